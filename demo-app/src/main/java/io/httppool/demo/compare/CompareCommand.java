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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code compare [--client apache5|jdk|okhttp|apache4|apache5-async] [--seconds 6] [--warmup 2] [--concurrency 16] [--out demo-results] [--agent-jar PATH]
 * [--schemes http,https] [--runs before,after,reference,toggled-off] [--repeat 1]}: every run, then
 * the table and the two report files.
 */
public final class CompareCommand {

    private static final int BACKEND_WARMUP_SECONDS = 2;

    private CompareCommand() {
    }

    public static void run(Args args) throws Exception {
        CompareSettings settings = new CompareSettings(
                client(args.string("client", UpstreamClient.APACHE5.cliName())),
                // 8 runs x (2 + 6 s + JVM starts) stays under two minutes on a busy 2-core machine.
                args.integer("seconds", 6, 1, 3600),
                args.integer("warmup", 2, 0, 600),
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
                "compare: client %s, %d runs x (%d s warm-up + %d s measured), %d concurrent clients, agent %s; about %d s in all",
                settings.client().cliName(), total, settings.warmup(), settings.seconds(), settings.concurrency(),
                agentJar == null ? "not needed" : agentJar, total * (settings.warmup() + settings.seconds() + 2) + BACKEND_WARMUP_SECONDS + 5));

        List<RunResult> results = new ArrayList<>();
        try (BackendProcess backend = BackendProcess.start(settings.out())) {
            RunExecutor executor = new RunExecutor(settings, backend, agentJar, progress);
            progress.message("warming up the backend (" + BACKEND_WARMUP_SECONDS + " s)");
            executor.warmUpBackend(BACKEND_WARMUP_SECONDS);
            int index = 0;
            for (String scheme : settings.schemes()) {
                Map<Variant, List<RunResult>> rounds = new LinkedHashMap<>();
                // Rounds go through all variants in turn, so drift in the machine's load hits each alike.
                for (int round = 0; round < settings.repeat(); round++) {
                    for (Variant variant : settings.variants()) {
                        rounds.computeIfAbsent(variant, v -> new ArrayList<>()).add(executor.run(++index, scheme, variant));
                    }
                }
                rounds.values().forEach(runs -> results.add(medianByThroughput(runs)));
            }
        }

        List<TargetCheck.Target> targets = TargetCheck.evaluate(results, settings.concurrency());
        UpstreamClient client = settings.client();
        ReportContext context = new ReportContext(Instant.now(),
                new ReportContext.Client(client.cliName(), client.library(), client.naiveHabit(), client.sharedFix()),
                settings.concurrency(), settings.seconds(), settings.warmup(),
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
        System.out.println();
        System.out.println("report: " + json);
        System.out.println("        " + html);
        System.out.println("logs:   " + settings.out().resolve("logs"));
    }

    /** With --repeat, the run with the median throughput stands for its variant (all its figures from one run). */
    static RunResult medianByThroughput(List<RunResult> runs) {
        List<RunResult> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(RunResult::requestsPerSecond));
        return sorted.get((sorted.size() - 1) / 2);
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
