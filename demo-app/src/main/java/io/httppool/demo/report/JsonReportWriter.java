package io.httppool.demo.report;

import static io.httppool.demo.common.Json.number;
import static io.httppool.demo.common.Json.quote;

import java.util.List;

/**
 * {@code report.json}: {@code runs} as issue 4 specifies them, plus the settings and the targets.
 * Written by hand: the shape is small and fixed, and the demo jar stays free of a JSON library.
 */
public final class JsonReportWriter {

    private JsonReportWriter() {
    }

    public static String write(ReportContext context, List<RunResult> runs, List<TargetCheck.Target> targets) {
        StringBuilder json = new StringBuilder(4096);
        json.append("{\n");
        json.append("  \"generated_at\": ").append(quote(context.generatedAt().toString())).append(",\n");
        json.append("  \"client\": ").append(quote(context.client().name())).append(",\n");
        json.append("  \"settings\": {")
                .append("\"concurrency\": ").append(context.concurrency())
                .append(", \"seconds\": ").append(context.seconds())
                .append(", \"warmup_seconds\": ").append(context.warmupSeconds())
                .append(", \"max_warmup_seconds\": ").append(context.maxWarmupSeconds())
                .append(", \"repeat\": ").append(context.repeat())
                .append(", \"agent_jar\": ").append(quote(context.agentJar()))
                .append(", \"java\": ").append(quote(context.javaVersion()))
                .append(", \"cpus\": ").append(context.cpus())
                .append(", \"os\": ").append(quote(context.os()))
                .append("},\n");
        json.append("  \"runs\": [");
        for (int i = 0; i < runs.size(); i++) {
            RunResult r = runs.get(i);
            json.append(i == 0 ? "\n" : ",\n").append("    {")
                    .append("\"name\": ").append(quote(r.name()))
                    .append(", \"scheme\": ").append(quote(r.scheme()))
                    .append(", \"requests_per_second\": ").append(number(r.requestsPerSecond()))
                    .append(", \"p50_ms\": ").append(number(r.p50Millis()))
                    .append(", \"p99_ms\": ").append(number(r.p99Millis()))
                    .append(", \"errors\": ").append(r.errors())
                    .append(", \"upstream_connections\": ").append(r.upstreamConnections())
                    .append(", \"tls_handshakes\": ").append(r.tlsHandshakes())
                    .append(", \"allocated_bytes_per_request\": ").append(number(r.allocatedBytesPerRequest()))
                    .append(", \"cpu_ms_per_request\": ").append(number(r.cpuMillisPerRequest()))
                    .append(", \"requests\": ").append(r.requests())
                    .append(", \"agent_attached\": ").append(r.agentAttached())
                    .append(", \"proxy_client\": ").append(quote(r.proxyClient()))
                    .append(", \"client\": ").append(quote(r.client()))
                    .append(", \"live_threads\": ").append(r.liveThreads() < 0 ? "null" : Long.toString(r.liveThreads()))
                    .append(", \"peak_threads\": ").append(r.peakThreads() < 0 ? "null" : Long.toString(r.peakThreads()))
                    .append(", \"startup_ms\": ").append(number(r.startupMillis()))
                    .append(", \"first_request_ms\": ").append(number(r.firstRequestMillis()))
                    .append(", \"window_halves_requests_per_second\": [").append(number(r.firstHalfRps()))
                    .append(", ").append(number(r.secondHalfRps())).append(']')
                    .append(", \"warmup_seconds\": ").append(number(r.warmupSeconds()))
                    .append(", \"jit_settled\": ").append(r.jitSettled())
                    .append('}');
        }
        json.append(runs.isEmpty() ? "],\n" : "\n  ],\n");
        json.append("  \"targets\": [");
        for (int i = 0; i < targets.size(); i++) {
            TargetCheck.Target t = targets.get(i);
            json.append(i == 0 ? "\n" : ",\n").append("    {")
                    .append("\"scheme\": ").append(quote(t.scheme()))
                    .append(", \"target\": ").append(quote(t.label()))
                    .append(", \"formula\": ").append(quote(t.formula()))
                    .append(", \"threshold\": ").append(quote(t.thresholdText()))
                    .append(", \"measured\": ").append(number(t.measured()))
                    .append(", \"met\": ").append(t.met().map(String::valueOf).orElse("null"))
                    .append('}');
        }
        json.append(targets.isEmpty() ? "]\n" : "\n  ]\n");
        json.append("}\n");
        return json.toString();
    }
}
