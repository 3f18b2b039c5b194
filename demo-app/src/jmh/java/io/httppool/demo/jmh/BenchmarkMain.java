package io.httppool.demo.jmh;

import io.httppool.demo.common.Args;
import io.httppool.demo.common.DemoJar;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code java -jar demo-app/target/demo-benchmarks.jar [--agent-jar PATH] [--schemes http,https] [--quick]}
 *
 * <p>Runs {@link PerRequestBenchmark} in a fork without the agent and in a fork with it, then prints
 * the agent's per-request overhead against the hand-shared client. The agent jar has to be known
 * when the fork starts, which JMH's annotations cannot express, hence this runner.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        Path agent = DemoJar.agentJar(args.string("agent-jar", null));
        String[] schemes = args.string("schemes", "http").split(",");
        boolean quick = args.flag("quick");
        args.rejectUnknown();

        List<Row> rows = new ArrayList<>();
        rows.addAll(run("no agent", List.of(), schemes, quick));
        rows.addAll(run("agent", List.of("-javaagent:" + agent), schemes, quick));

        System.out.println();
        System.out.println("Per-request cost, single thread, loopback GET (us/op; allocation B/op):");
        for (Row row : rows) {
            System.out.printf(Locale.ROOT, "  %-8s %-6s %-18s %9.2f us/op +- %.2f   %,10.0f B/op%n",
                    row.fork, row.scheme, row.benchmark, row.micros, row.error, row.bytes);
        }
        for (String scheme : schemes) {
            Row reference = find(rows, "no agent", scheme, "sharedClient");
            Row withAgent = find(rows, "agent", scheme, "clientPerRequest");
            Row naive = find(rows, "no agent", scheme, "clientPerRequest");
            if (reference != null && withAgent != null && naive != null) {
                System.out.printf(Locale.ROOT,
                        "%s: agent overhead vs hand-shared client %+.2f us/request (%+,.0f B/request); naive without agent costs %.1fx the reference%n",
                        scheme, withAgent.micros - reference.micros, withAgent.bytes - reference.bytes, naive.micros / reference.micros);
            }
        }
    }

    private record Row(String fork, String scheme, String benchmark, double micros, double error, double bytes) {
    }

    private static List<Row> run(String label, List<String> jvmArgs, String[] schemes, boolean quick) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(PerRequestBenchmark.class.getName())
                .param("scheme", schemes)
                .forks(1)
                .jvmArgsAppend(jvmArgs.toArray(new String[0]))
                .addProfiler(GCProfiler.class);
        if (quick) {
            options.warmupIterations(2).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        List<Row> rows = new ArrayList<>();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            var primary = result.getPrimaryResult();
            var alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
            rows.add(new Row(label, result.getParams().getParam("scheme"), name.substring(name.lastIndexOf('.') + 1),
                    primary.getScore(), primary.getScoreError(), alloc == null ? Double.NaN : alloc.getScore()));
        }
        return rows;
    }

    private static Row find(List<Row> rows, String fork, String scheme, String benchmark) {
        return rows.stream().filter(r -> r.fork.equals(fork) && r.scheme.equals(scheme) && r.benchmark.equals(benchmark))
                .findFirst().orElse(null);
    }
}
