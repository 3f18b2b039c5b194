package io.httppool.demo.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;

/**
 * {@code report.html}: one self-contained page (inline CSS and SVG, no script, nothing fetched)
 * with the targets first, then a chart per figure, then the full table and what the runs mean.
 */
public final class HtmlReportWriter {

    /** Fixed colours per run, the same in every chart: red is the problem, green the fix. */
    private static final Map<String, String> COLORS = Map.of(
            "before", "#d1495b",
            "after", "#2a9d5c",
            "reference", "#3d6fb6",
            "toggled-off", "#9a9a9a");

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1120px;color:#222;padding:0 16px}
            h1{font-size:1.6em;margin-bottom:4px}h2{font-size:1.2em;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
            h3{font-size:1em;margin:0 0 4px}
            .meta{color:#666;font-size:.9em}
            table{border-collapse:collapse;font-size:.9em}th,td{padding:4px 10px;border-bottom:1px solid #eee;text-align:right}
            th{background:#f6f6f6}td.l,th.l{text-align:left}
            .met{color:#1f7a44;font-weight:600}.missed{color:#b3261e;font-weight:600}.na{color:#888}
            .charts{display:flex;flex-wrap:wrap;gap:20px}.card{border:1px solid #e4e4e4;border-radius:6px;padding:10px}
            .card p{margin:2px 0 6px;color:#666;font-size:.85em;max-width:520px}
            svg.chart{font-size:11px}svg .grid{stroke:#eee}svg .axis{stroke:#999}svg .tick{fill:#777}
            svg .value{fill:#333;font-size:10px}svg .group{fill:#333;font-weight:600;font-size:12px}svg .legend{fill:#333}
            dl{font-size:.9em}dt{font-weight:600;margin-top:6px}dd{margin-left:16px;color:#444}
            """;

    private HtmlReportWriter() {
    }

    public static String write(ReportContext context, List<RunResult> runs, List<TargetCheck.Target> targets) {
        StringBuilder html = new StringBuilder(32 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>http-pool-agent demo: before and after</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        html.append("<h1>http-pool-agent: the naive session proxy, before and after</h1>\n");
        html.append("<p class=\"meta\">")
                .append(Html.escape(String.format(Locale.ROOT,
                        "client %s (%s) · %s · %d concurrent clients · %d s measured after %d to %d s warm-up per run%s · Java %s · %d CPUs · %s",
                        context.client().name(), context.client().library(),
                        context.generatedAt(), context.concurrency(), context.seconds(), context.warmupSeconds(),
                        context.maxWarmupSeconds(),
                        context.repeat() > 1 ? " · median-throughput run of " + context.repeat()
                                + " (targets: median of the " + context.repeat() + " rounds' ratios, run order alternating)" : "",
                        context.javaVersion(), context.cpus(), context.os())))
                .append("</p>\n");

        appendTargets(html, targets);
        appendCharts(html, runs);
        appendTable(html, runs);
        appendGlossary(html, context);
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private static void appendTargets(StringBuilder html, List<TargetCheck.Target> targets) {
        html.append("<h2>Targets</h2>\n<table>\n<tr><th class=\"l\">scheme</th><th class=\"l\">target</th>")
                .append("<th>measured</th><th>wanted</th><th class=\"l\">verdict</th></tr>\n");
        for (TargetCheck.Target t : targets) {
            String verdict = Numbers.verdict(t);
            String css = t.met().map(met -> met ? "met" : "missed").orElse("na");
            html.append("<tr><td class=\"l\">").append(Html.escape(t.scheme()))
                    .append("</td><td class=\"l\">").append(Html.escape(t.label()))
                    .append("</td><td>").append(Html.escape(Numbers.measured(t)))
                    .append("</td><td>").append(Html.escape(t.thresholdText()))
                    .append("</td><td class=\"l ").append(css).append("\">").append(Html.escape(verdict))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n<p class=\"meta\">The other targets of issue 4, agent start-up cost (&lt;= 300 ms) and ")
                .append("per-request overhead against the reference (&lt;= 2 &micro;s), are measured by <code>demo-app.jar startup</code> ")
                .append("and the JMH benchmark (<code>-Pjmh</code>), not by this comparison.</p>\n");
    }

    private static void appendCharts(StringBuilder html, List<RunResult> runs) {
        List<String> schemes = distinct(runs, RunResult::scheme);
        List<String> names = distinct(runs, RunResult::name);
        List<SvgBarChart.Series> series = new ArrayList<>();
        for (String name : names) {
            series.add(new SvgBarChart.Series(name, COLORS.getOrDefault(name, "#6c5b7b")));
        }
        html.append("<h2>Charts</h2>\n<div class=\"charts\">\n");
        chart(html, "Throughput (requests per second)", "Higher is better. The load driver's successful requests in the measured window.",
                runs, schemes, names, series, RunResult::requestsPerSecond, Numbers::rps, false);
        chart(html, "Latency p50 (ms)", "Lower is better. Median time of one request through the proxy, seen by the load driver.",
                runs, schemes, names, series, RunResult::p50Millis, Numbers::millis, false);
        chart(html, "Latency p99 (ms)", "Lower is better. 99th percentile of the same.",
                runs, schemes, names, series, RunResult::p99Millis, Numbers::millis, false);
        chart(html, "Upstream TCP connections per run (log scale)",
                "Lower is better. Connections the backend accepted during the whole run, warm-up included.",
                runs, schemes, names, series, r -> r.upstreamConnections(), v -> Numbers.count((long) v), true);
        chart(html, "TLS handshakes per run (log scale)",
                "Lower is better. Handshakes the backend completed (HTTPS only).",
                runs, schemes, names, series, r -> r.tlsHandshakes(), v -> Numbers.count((long) v), true);
        chart(html, "Allocation per request (KB)", "Lower is better. Heap allocated in the proxy JVM per forwarded request.",
                runs, schemes, names, series, RunResult::allocatedBytesPerRequest, Numbers::kilobytes, false);
        chart(html, "CPU per request (ms)", "Lower is better. Proxy process CPU time per forwarded request.",
                runs, schemes, names, series, RunResult::cpuMillisPerRequest, Numbers::cpuMillis, false);
        chart(html, "Live threads in the proxy (end of the window)",
                "Lower is better. The proxy JVM's live threads under load; a client per request that starts threads of its own shows here.",
                runs, schemes, names, series, r -> r.liveThreads() < 0 ? Double.NaN : r.liveThreads(),
                v -> Numbers.count((long) v), false);
        chart(html, "First request through the fresh proxy (ms)",
                "Lower is better. One request sent alone before the load: class loading, the agent's set-up and transformation, the first connection.",
                runs, schemes, names, series, RunResult::firstRequestMillis, Numbers::wholeMillis, false);
        html.append("</div>\n");
    }

    private static void chart(StringBuilder html, String title, String caption, List<RunResult> runs,
                              List<String> schemes, List<String> names, List<SvgBarChart.Series> series,
                              ToDoubleFunction<RunResult> metric, DoubleFunction<String> label, boolean log) {
        double[][] values = new double[schemes.size()][names.size()];
        for (int g = 0; g < schemes.size(); g++) {
            for (int s = 0; s < names.size(); s++) {
                values[g][s] = Double.NaN;
                for (RunResult r : runs) {
                    if (r.scheme().equals(schemes.get(g)) && r.name().equals(names.get(s))) {
                        values[g][s] = metric.applyAsDouble(r);
                    }
                }
            }
        }
        List<String> groupLabels = schemes.stream().map(s -> s.toUpperCase(Locale.ROOT)).toList();
        html.append("<div class=\"card\"><h3>").append(Html.escape(title)).append("</h3><p>")
                .append(Html.escape(caption)).append("</p>\n")
                .append(SvgBarChart.render(title, groupLabels, series, values, label, log))
                .append("</div>\n");
    }

    private static void appendTable(StringBuilder html, List<RunResult> runs) {
        html.append("<h2>All figures</h2>\n<table>\n<tr>");
        for (int i = 0; i < TextTable.HEADERS.length; i++) {
            html.append(i < 3 ? "<th class=\"l\">" : "<th>").append(Html.escape(TextTable.HEADERS[i])).append("</th>");
        }
        html.append("</tr>\n");
        for (RunResult r : runs) {
            html.append("<tr><td class=\"l\">").append(Html.escape(r.scheme()))
                    .append("</td><td class=\"l\">").append(Html.escape(r.name()))
                    .append("</td><td class=\"l\">").append(r.agentAttached() ? "yes" : "no")
                    .append("</td><td>").append(Html.escape(Numbers.warmup(r)))
                    .append("</td><td>").append(Numbers.rps(r.requestsPerSecond()))
                    .append("</td><td>").append(Numbers.millis(r.p50Millis()))
                    .append("</td><td>").append(Numbers.millis(r.p99Millis()))
                    .append("</td><td>").append(Numbers.count(r.errors()))
                    .append("</td><td>").append(Numbers.count(r.upstreamConnections()))
                    .append("</td><td>").append(Numbers.count(r.tlsHandshakes()))
                    .append("</td><td>").append(Numbers.kilobytes(r.allocatedBytesPerRequest()))
                    .append("</td><td>").append(Numbers.cpuMillis(r.cpuMillisPerRequest()))
                    .append("</td><td>").append(Numbers.threads(r.liveThreads()))
                    .append("</td><td>").append(Numbers.wholeMillis(r.startupMillis()))
                    .append("</td><td>").append(Numbers.wholeMillis(r.firstRequestMillis()))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n");
        if (runs.stream().anyMatch(RunResult::warmupEndedUnsettled)) {
            html.append("<p class=\"meta\">").append(Html.escape(TextTable.NOT_SETTLED_NOTE)).append("</p>\n");
        }
    }

    private static void appendGlossary(StringBuilder html, ReportContext context) {
        html.append("<h2>What the runs are</h2>\n<dl>\n")
                .append("<dt>before</dt><dd>The naive proxy (").append(Html.escape(context.client().library())).append("): ")
                .append(Html.escape(context.client().naiveHabit())).append(", no agent.</dd>\n")
                .append("<dt>after</dt><dd>The same naive proxy code, started with <code>-javaagent:")
                .append(Html.escape(context.agentJar())).append("</code>.</dd>\n")
                .append("<dt>reference</dt><dd>The proxy fixed by hand: ").append(Html.escape(context.client().sharedFix()))
                .append(", no agent.</dd>\n")
                .append("<dt>toggled-off</dt><dd>The naive proxy with the agent attached but <code>HTTP_POOL_ENABLED=false</code>: should match before.</dd>\n")
                .append("</dl>\n<p class=\"meta\">Each proxy, the backend and the load driver run in JVMs of their own on the same machine; ")
                .append("the load driver talks plain HTTP to the proxy, the scheme is that of the proxy's calls to the backend. ")
                .append("Connections and handshakes are counted by the backend; allocation and CPU inside the proxy JVM.</p>\n")
                .append("<p class=\"meta\">Each run starts a fresh proxy JVM (<em>startup ms</em>: from launching it to its ready line), ")
                .append("sends one request through it alone (<em>1st req ms</em>: class loading, the agent's set-up, the first connection), ")
                .append("then loads it for a warm-up that is not recorded (JIT compilation, the agent's set-up): it runs until the proxy's ")
                .append("JIT compiler has been idle for 5 s (its compilation time, read every 0.5 s, has not grown), at least ")
                .append(context.warmupSeconds()).append(" s and at most ").append(context.maxWarmupSeconds())
                .append(" s (<em>warm-up s</em>). Then it measures the steady state for ").append(context.seconds())
                .append(" s: throughput, latency, allocation, CPU. ")
                .append("<em>threads</em> is the proxy's live thread count at the end of that window. ")
                .append("Upstream connections and handshakes count the whole run, first request and warm-up included.</p>\n");
    }

    private static List<String> distinct(List<RunResult> runs, java.util.function.Function<RunResult, String> key) {
        Set<String> seen = new LinkedHashSet<>();
        for (RunResult r : runs) {
            seen.add(key.apply(r));
        }
        return new ArrayList<>(seen);
    }
}
