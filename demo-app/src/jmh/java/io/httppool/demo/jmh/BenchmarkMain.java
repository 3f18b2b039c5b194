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
 * {@code java -jar demo-app/target/demo-benchmarks.jar [--agent-jar PATH] [--schemes http,https]
 * [--threads 1,8] [--quick]}
 *
 * <p>Runs {@link PerRequestBenchmark} in a fork without the agent and in a fork with it, at each
 * thread count, then prints the agent's per-request overhead against the hand-shared client. The
 * agent jar has to be known when the fork starts, which JMH's annotations cannot express, hence
 * this runner.
 *
 * <p>With 1 thread the figure is cost; with 8 threads, all sharing the one pool (the agent's, or
 * the hand-shared client's), it adds contention on the pool's lock and on the machine's cores: on
 * a 2-core machine 8 threads queue for CPU, so us/op there is latency under load, about 4x the
 * CPU cost, and the difference between agent and reference is what matters.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    public static void main(String[] argv) throws Exception {
        Path agent;
        String[] schemes;
        List<Integer> threadCounts;
        boolean quick;
        try {
            Args args = Args.parse(argv);
            agent = DemoJar.agentJar(args.string("agent-jar", null));
            schemes = args.string("schemes", "http").split(",");
            threadCounts = threadCounts(args.string("threads", "1,8"));
            quick = args.flag("quick");
            args.rejectUnknown();
        } catch (Args.UsageException | DemoJar.MissingAgentJarException e) {
            System.err.println("demo-benchmarks: " + e.getMessage());
            System.err.println("usage: java -jar demo-benchmarks.jar [--agent-jar PATH] [--schemes http,https] [--threads 1,8] [--quick]");
            System.exit(2);
            return;
        }

        List<Row> rows = new ArrayList<>();
        for (int threads : threadCounts) {
            rows.addAll(run("no agent", List.of(), schemes, threads, quick));
            rows.addAll(run("agent", List.of("-javaagent:" + agent), schemes, threads, quick));
        }

        System.out.println();
        System.out.println("Per-request cost after warm-up, loopback GET (us/op per thread; allocation B/op):");
        for (Row row : rows) {
            System.out.printf(Locale.ROOT, "  %2d thread%s %-8s %-6s %-18s %9.2f us/op +- %.2f   %,10.0f B/op%n",
                    row.threads, row.threads == 1 ? " " : "s", row.fork, row.scheme, row.benchmark, row.micros, row.error, row.bytes);
        }
        for (int threads : threadCounts) {
            for (String scheme : schemes) {
                Row reference = find(rows, threads, "no agent", scheme, "sharedClient");
                Row withAgent = find(rows, threads, "agent", scheme, "clientPerRequest");
                Row naive = find(rows, threads, "no agent", scheme, "clientPerRequest");
                if (reference != null && withAgent != null && naive != null) {
                    System.out.printf(Locale.ROOT,
                            "%s, %d thread%s: agent overhead vs hand-shared client %+.2f us/request (%+,.0f B/request); "
                                    + "naive without agent costs %.1fx the reference%n",
                            scheme, threads, threads == 1 ? "" : "s", withAgent.micros - reference.micros,
                            withAgent.bytes - reference.bytes, naive.micros / reference.micros);
                }
            }
        }
    }

    private record Row(int threads, String fork, String scheme, String benchmark, double micros, double error, double bytes) {
    }

    static List<Integer> threadCounts(String value) {
        List<Integer> counts = new ArrayList<>();
        for (String part : value.split(",")) {
            try {
                int n = Integer.parseInt(part.trim());
                if (n < 1 || n > 256) {
                    throw new NumberFormatException();
                }
                counts.add(n);
            } catch (NumberFormatException e) {
                throw new Args.UsageException("--threads takes thread counts from 1 to 256, e.g. 1,8; not '" + value + "'");
            }
        }
        return counts;
    }

    private static List<Row> run(String label, List<String> jvmArgs, String[] schemes, int threads, boolean quick)
            throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(PerRequestBenchmark.class.getName())
                .param("scheme", schemes)
                .threads(threads)
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
            rows.add(new Row(threads, label, result.getParams().getParam("scheme"), name.substring(name.lastIndexOf('.') + 1),
                    primary.getScore(), primary.getScoreError(), alloc == null ? Double.NaN : alloc.getScore()));
        }
        return rows;
    }

    private static Row find(List<Row> rows, int threads, String fork, String scheme, String benchmark) {
        return rows.stream().filter(r -> r.threads == threads && r.fork.equals(fork) && r.scheme.equals(scheme)
                        && r.benchmark.equals(benchmark))
                .findFirst().orElse(null);
    }
}
