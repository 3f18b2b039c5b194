package io.httppool.demo.compare;

import io.httppool.demo.common.Args;
import io.httppool.demo.common.DemoJar;
import io.httppool.demo.proxy.UpstreamClient;
import io.httppool.demo.report.HtmlReportWriter;
import io.httppool.demo.report.JsonReportWriter;
import io.httppool.demo.report.ReportContext;
import io.httppool.demo.report.RunResult;
import io.httppool.demo.report.TargetCheck;
import io.httppool.demo.report.TextTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code compare [--client apache5|jdk|okhttp|apache4|apache5-async] [--seconds 6] [--warmup 8] [--max-warmup 60] [--concurrency 16] [--out demo-results] [--agent-jar PATH]
 * [--schemes http,https] [--runs before,after,reference,toggled-off] [--repeat 1]}: every run, then
 * the table and the two report files.
 */
public final class CompareCommand {

    private static final int BACKEND_WARMUP_SECONDS = 2;

    /**
     * The shortest warm-up: seconds of load before the window, not recorded, for the fresh proxy
     * JVM's JIT to compile its request path (and the agent to set up), so that the window measures
     * the steady state rather than start-up (which the start-up and first-request columns show apart).
     *
     * <p>It is only a minimum because no fixed length fits every run: on the 2-core development
     * machine the "after" proxy's hot methods got their C2 code 30-33 s into the run, the
     * reference's earlier, and with 8 s fixed "after / reference" read 0.61 where it is 0.87 after
     * 60 s. So the warm-up goes on past this until the proxy's JIT compilation time
     * ({@code jit_millis} of its {@code /admin/stats}) has not grown for 5 s, or until
     * {@link #DEFAULT_MAX_WARMUP} (see {@code load.WarmupEnd}); the table's {@code warm-up s} column
     * says how long it was and marks a run that hit the cap. Eight seconds, the fixed length before,
     * stays as the floor: no run warms up less than it did, and a compiler that is quiet for a moment
     * early on (a flat value can also be one long compilation) does not end the warm-up then.
     * Whether the window was steady is still measured in every run: the table's last line compares
     * the throughput of its two halves.
     */
    static final int DEFAULT_WARMUP = 8;
    /**
     * The longest warm-up: a cap for a JIT that does not settle (on a busy machine compilations
     * finish late and keep the figure growing), so a default comparison takes at most
     * 8 runs x (60 + 6 + ~3 s), about 9 minutes.
     */
    static final int DEFAULT_MAX_WARMUP = 60;
    /** The measured window; its halves are compared for steadiness, so not much shorter. */
    static final int DEFAULT_SECONDS = 6;
    /** Per run besides warm-up and window: proxy JVM start, first request, stop. */
    private static final int RUN_OVERHEAD_SECONDS = 3;

    private CompareCommand() {
    }

    public static void run(Args args) throws Exception {
        int warmup = args.integer("warmup", DEFAULT_WARMUP, 0, 600);
        CompareSettings settings = new CompareSettings(
                client(args.string("client", UpstreamClient.APACHE5.cliName())),
                // Each run: proxy JVM start, one first request, DEFAULT_WARMUP to DEFAULT_MAX_WARMUP s of
                // load not recorded, then the measured window. 8 runs x (60 + 6 + ~3 s) is 9.2 minutes at worst.
                args.integer("seconds", DEFAULT_SECONDS, 1, 3600),
                warmup,
                maxWarmup(args, warmup),
                args.integer("concurrency", 16, 1, 512),
                Path.of(args.string("out", "demo-results")).toAbsolutePath().normalize(),
                args.string("agent-jar", null),
                schemes(args.string("schemes", "http,https")),
                variants(args.string("runs", "before,after,reference,toggled-off")),
                args.integer("repeat", 1, 1, 50));
        args.rejectUnknown();

        Path agentJar = settings.needsAgent() ? DemoJar.agentJar(settings.agentJarOverride()) : null;
        Files.createDirectories(settings.out());
        int total = settings.schemes().size() * settings.variants().size() * settings.repeat();
        Progress progress = Progress.forConsole(total);
        progress.message(String.format(Locale.ROOT,
                "compare: client %s, %d runs x (proxy start, first request, %d-%d s warm-up until the proxy's JIT is idle "
                        + "+ %d s measured), %d concurrent clients, agent %s; up to %d s in all",
                settings.client().cliName(), total, settings.warmup(), settings.maxWarmup(), settings.seconds(),
                settings.concurrency(), agentJar == null ? "not needed" : agentJar,
                total * (settings.maxWarmup() + settings.seconds() + RUN_OVERHEAD_SECONDS)
                        + BACKEND_WARMUP_SECONDS * settings.schemes().size() + 5));

        List<RunResult> results = new ArrayList<>();
        List<List<RunResult>> rounds = new ArrayList<>();
        try (BackendProcess backend = BackendProcess.start(settings.out())) {
            RunExecutor executor = new RunExecutor(settings, backend, agentJar, progress);
            progress.message("warming up the backend (" + BACKEND_WARMUP_SECONDS + " s per scheme)");
            executor.warmUpBackend(BACKEND_WARMUP_SECONDS);
            int index = 0;
            for (String scheme : settings.schemes()) {
                Map<Variant, List<RunResult>> byVariant = new LinkedHashMap<>();
                for (int round = 0; round < settings.repeat(); round++) {
                    List<RunResult> roundRuns = new ArrayList<>();
                    for (Variant variant : roundOrder(settings.variants(), round)) {
                        RunResult result = executor.run(++index, scheme, variant, round);
                        roundRuns.add(result);
                        byVariant.computeIfAbsent(variant, v -> new ArrayList<>()).add(result);
                    }
                    rounds.add(roundRuns);
                }
                byVariant.values().forEach(runs -> results.add(medianByThroughput(runs)));
            }
        }

        List<TargetCheck.Target> targets = TargetCheck.evaluate(results, rounds, settings.concurrency());
        UpstreamClient client = settings.client();
        ReportContext context = new ReportContext(Instant.now(),
                new ReportContext.Client(client.cliName(), client.library(), client.naiveHabit(), client.sharedFix()),
                settings.concurrency(), settings.seconds(), settings.warmup(), settings.maxWarmup(),
                settings.repeat(),
                agentJar == null ? "" : agentJar.toString(), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        Path json = settings.out().resolve("report.json");
        Path html = settings.out().resolve("report.html");
        Files.writeString(json, JsonReportWriter.write(context, results, targets), StandardCharsets.UTF_8);
        Files.writeString(html, HtmlReportWriter.write(context, results, targets), StandardCharsets.UTF_8);

        System.out.println();
        System.out.print(TextTable.render(context.client(), results, targets));
        if (settings.repeat() > 1) {
            System.out.println("Rows: the median-throughput run of " + settings.repeat() + " per variant. Targets: the median of the "
                    + settings.repeat() + " rounds' own ratios; the run order alternates between rounds.");
        }
        System.out.println();
        System.out.println("report: " + json);
        System.out.println("        " + html);
        System.out.println("logs:   " + settings.out().resolve("logs"));
    }

    /**
     * The variants of one round: as given in even rounds, reversed in odd ones. On the 2-core
     * development machine the second of two identical runs was 10-17% faster than the first
     * (whatever ran first), so a fixed order would bias every ratio between variants; alternating
     * makes each variant run early as often as late, and the ratio targets take the median of
     * the ratios within each round (see {@code TargetCheck}).
     */
    static List<Variant> roundOrder(List<Variant> variants, int round) {
        if (round % 2 == 0) {
            return variants;
        }
        List<Variant> reversed = new ArrayList<>(variants);
        Collections.reverse(reversed);
        return reversed;
    }

    /** With --repeat, the run with the median throughput stands for its variant (all its figures from one run). */
    static RunResult medianByThroughput(List<RunResult> runs) {
        List<RunResult> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(RunResult::requestsPerSecond));
        return sorted.get((sorted.size() - 1) / 2);
    }

    /**
     * {@code --max-warmup}: by default {@link #DEFAULT_MAX_WARMUP}, or {@code --warmup} if that is
     * longer (the warm-up is then fixed); given explicitly, not below {@code --warmup}.
     */
    static int maxWarmup(Args args, int warmup) {
        return args.integer("max-warmup", Math.max(DEFAULT_MAX_WARMUP, warmup), warmup, 3600);
    }

    static UpstreamClient client(String value) {
        try {
            return UpstreamClient.parse(value);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    private static List<String> schemes(String value) {
        List<String> schemes = new ArrayList<>();
        for (String s : value.split(",")) {
            String scheme = s.trim().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new Args.UsageException("--schemes takes http and/or https, not '" + s + "'");
            }
            schemes.add(scheme);
        }
        return schemes;
    }

    private static List<Variant> variants(String value) {
        try {
            return Arrays.stream(value.split(",")).map(Variant::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--runs: " + e.getMessage());
        }
    }
}
