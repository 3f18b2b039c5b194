package io.httppool.demo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** report.json is an interface (issue 4 fixes its shape); report.html must stand alone. */
class ReportWritersTest {

    private static final ReportContext.Client OKHTTP = new ReportContext.Client("okhttp", "OkHttp 4",
            "new OkHttpClient() per request", "one shared OkHttpClient");
    private static final ReportContext CONTEXT = new ReportContext(Instant.parse("2026-01-02T03:04:05Z"), OKHTTP,
            16, 8, 2, 45, 1, "/x/http-pool-agent.jar", "17.0.15", 2, "Linux amd64");

    private static final List<RunResult> RUNS = List.of(
            run("before", "http", false, 2300, 6.5, 15.1, 0, 18_400, 0, 150_000, 0.41),
            run("after", "http", true, 9800, 1.5, 4.0, 0, 16, 0, 20_000, 0.09),
            run("reference", "http", false, 10100, 1.4, 3.9, 0, 16, 0, 19_000, 0.08),
            run("toggled-off", "http", true, 2280, 6.6, 15.5, 0, 18_200, 0, 151_000, 0.42),
            run("before", "https", false, 290, 52, 110, 1, 2_320, 2_320, 290_000, 5.1, 1_234, 412.5, 187.25),
            run("after", "https", true, 9000, 1.7, 4.4, 0, 16, 16, 21_000, 0.11),
            run("reference", "https", false, 9200, 1.6, 4.3, 0, 16, 16, 20_000, 0.10),
            run("toggled-off", "https", true, 288, 53, 112, 0, 2_300, 2_300, 291_000, 5.2));

    private static final Set<String> RUN_FIELDS = Set.of("name", "scheme", "requests_per_second", "p50_ms", "p99_ms",
            "errors", "upstream_connections", "tls_handshakes", "allocated_bytes_per_request", "cpu_ms_per_request",
            "requests", "agent_attached", "proxy_client",
            "client", "live_threads", "peak_threads", "startup_ms", "first_request_ms");

    @Test
    void jsonHasTheRunsShapeOfIssue4() throws Exception {
        List<TargetCheck.Target> targets = TargetCheck.evaluate(RUNS, 16);
        JsonNode root = new ObjectMapper().readTree(JsonReportWriter.write(CONTEXT, RUNS, targets));

        JsonNode runs = root.get("runs");
        assertTrue(runs.isArray());
        assertEquals(8, runs.size());
        for (JsonNode run : runs) {
            List<String> names = new ArrayList<>();
            run.fieldNames().forEachRemaining(names::add);
            assertTrue(names.containsAll(RUN_FIELDS), "missing fields in " + run);
            assertTrue(Set.of("before", "after", "reference", "toggled-off").contains(run.get("name").asText()));
            assertTrue(Set.of("http", "https").contains(run.get("scheme").asText()));
            for (String numeric : List.of("requests_per_second", "p50_ms", "p99_ms", "allocated_bytes_per_request", "cpu_ms_per_request")) {
                assertTrue(run.get(numeric).isNumber(), numeric + " is not a number in " + run);
            }
            for (String numeric : List.of("startup_ms", "first_request_ms")) {
                assertTrue(run.get(numeric).isNumber(), numeric + " is not a number in " + run);
            }
            for (String integral : List.of("errors", "upstream_connections", "tls_handshakes", "live_threads", "peak_threads")) {
                assertTrue(run.get(integral).isIntegralNumber(), integral + " is not a whole number in " + run);
            }
        }
        JsonNode httpsBefore = runs.get(4);
        assertEquals("before", httpsBefore.get("name").asText());
        assertEquals("https", httpsBefore.get("scheme").asText());
        assertEquals(290, httpsBefore.get("requests_per_second").asDouble(), 1e-9);
        assertEquals(2320, httpsBefore.get("tls_handshakes").asLong());
        assertEquals(1, httpsBefore.get("errors").asLong());
        assertEquals(5.1, httpsBefore.get("cpu_ms_per_request").asDouble(), 1e-9);
        assertEquals(1234, httpsBefore.get("live_threads").asLong());
        assertEquals(1244, httpsBefore.get("peak_threads").asLong());
        assertEquals(412.5, httpsBefore.get("startup_ms").asDouble(), 1e-9);
        assertEquals(187.25, httpsBefore.get("first_request_ms").asDouble(), 1e-9);
        assertEquals(290 * 0.98, httpsBefore.get("window_halves_requests_per_second").get(0).asDouble(), 1e-3);
        assertEquals(290 * 1.02, httpsBefore.get("window_halves_requests_per_second").get(1).asDouble(), 1e-3);

        assertEquals("okhttp", root.get("client").asText());
        for (JsonNode run : runs) {
            assertEquals("okhttp", run.get("client").asText(), "every run says which client ran: " + run);
        }
        assertEquals(16, root.get("settings").get("concurrency").asInt());
        assertEquals(2, root.get("settings").get("warmup_seconds").asInt(), "the minimum, as before");
        assertEquals(45, root.get("settings").get("max_warmup_seconds").asInt());
        for (JsonNode run : runs) {
            assertEquals(31.5, run.get("warmup_seconds").asDouble(), 1e-9, run.toString());
            assertTrue(run.get("jit_settled").isBoolean() && run.get("jit_settled").asBoolean(), run.toString());
        }
        assertEquals(7, root.get("targets").size());
        JsonNode first = root.get("targets").get(0);
        assertEquals(9000.0 / 290, first.get("measured").asDouble(), 0.001);
        assertTrue(first.get("met").asBoolean());
    }

    @Test
    void jsonWritesNullForValuesThatCannotBeComputed() throws Exception {
        List<RunResult> runs = List.of(run("before", "http", false, 0, 0, 0, 5, 0, 0, Double.NaN, Double.NaN));
        JsonNode root = new ObjectMapper().readTree(JsonReportWriter.write(CONTEXT, runs, TargetCheck.evaluate(runs, 16)));
        assertTrue(root.get("runs").get(0).get("allocated_bytes_per_request").isNull());
        List<RunResult> unknown = List.of(new RunResult("before", "jdk", "http", false, "x", 0, 0, 0, 0, 5, 0, 0,
                Double.NaN, Double.NaN, -1, -1, Double.NaN, Double.NaN, 0, 0, Double.NaN, false));
        JsonNode run = new ObjectMapper().readTree(JsonReportWriter.write(CONTEXT, unknown, List.of())).get("runs").get(0);
        for (String field : List.of("live_threads", "peak_threads", "startup_ms", "first_request_ms", "warmup_seconds")) {
            assertTrue(run.get(field).isNull(), field + " in " + run);
        }
        for (JsonNode target : root.get("targets")) {
            assertTrue(target.get("met").isNull(), target.toString());
        }
    }

    @Test
    void jsonEscapesStrings() throws Exception {
        ReportContext odd = new ReportContext(Instant.EPOCH, OKHTTP, 1, 1, 0, 0, 1, "C:\\agents\\\"quoted\"\n.jar", "17", 1, "x");
        JsonNode root = new ObjectMapper().readTree(JsonReportWriter.write(odd, List.of(), List.of()));
        assertEquals("C:\\agents\\\"quoted\"\n.jar", root.get("settings").get("agent_jar").asText());
    }

    @Test
    void htmlIsSelfContainedAndHasTheCharts() {
        String html = HtmlReportWriter.write(CONTEXT, RUNS, TargetCheck.evaluate(RUNS, 16));

        assertTrue(html.startsWith("<!DOCTYPE html>"));
        for (String title : List.of("Throughput", "Latency p50", "Latency p99", "Upstream TCP connections",
                "TLS handshakes", "Allocation per request", "CPU per request", "Live threads", "First request")) {
            assertTrue(html.contains("<h3>" + title), "missing chart " + title);
        }
        assertEquals(9, count(html, "<svg "), "one inline SVG per chart");
        for (String header : List.of("<th>threads</th>", "<th>startup ms</th>", "<th>1st req ms</th>")) {
            assertTrue(html.contains(header), "missing column " + header);
        }
        assertTrue(html.contains("<td>1,234</td><td>413</td><td>187</td>"), "https before: threads, start-up, first request");
        // nothing fetched from anywhere: no scripts, stylesheets, images, fonts or links
        for (String external : List.of("<script", "<link", "<img", "<iframe", "src=", "href=", "@import", "url(", "://")) {
            assertFalse(html.contains(external), "report.html must not reference external resources: " + external);
        }
        // every run appears in the table, with its figures
        assertTrue(html.contains("toggled-off"));
        assertTrue(html.contains("9,000"), "https after throughput");
        assertTrue(html.contains("2,320"), "https before handshakes");
        assertTrue(html.contains("client okhttp (OkHttp 4)"), "which client ran");
        assertTrue(html.contains("new OkHttpClient() per request") && html.contains("one shared OkHttpClient"));
    }

    @Test
    void htmlShowsTheRatiosAgainstTheTargets() {
        List<RunResult> runs = new ArrayList<>(RUNS);
        // make one target fail: after p99 twice the reference's
        runs.set(5, run("after", "https", true, 9000, 1.7, 8.6, 0, 16, 16, 21_000, 0.11));
        String html = HtmlReportWriter.write(CONTEXT, runs, TargetCheck.evaluate(runs, 16));

        assertTrue(html.contains("throughput after / before"));
        assertTrue(html.contains("31.03x"), "https after/before throughput ratio 9000/290");
        assertTrue(html.contains("&gt;= 10"), "the wanted value is shown");
        assertTrue(html.contains("p99 latency after / reference"));
        assertTrue(html.contains("2.00x"));
        assertTrue(html.contains("MISSED"));
        assertTrue(html.contains(">met<"));
    }

    @Test
    void textTableHasOneRowPerRunAndTheTargets() {
        String table = TextTable.render(OKHTTP, RUNS, TargetCheck.evaluate(RUNS, 16));
        String[] lines = table.split("\n");
        assertEquals(8, table.lines().filter(l -> l.startsWith("http ") || l.startsWith("https ")).count());
        assertTrue(table.contains("Targets"));
        assertTrue(table.lines().anyMatch(l -> l.startsWith("scheme")), "the column header row");
        assertTrue(table.contains("31.03x"));
        assertTrue(lines[0].startsWith("client: okhttp (OkHttp 4)"), lines[0]);
        assertTrue(table.contains("new OkHttpClient() per request"));
        String header = table.lines().filter(l -> l.startsWith("scheme")).findFirst().orElseThrow();
        assertTrue(header.endsWith("threads  startup ms  1st req ms"), header);
        String httpsBefore = table.lines().filter(l -> l.startsWith("https   before")).findFirst().orElseThrow();
        assertTrue(httpsBefore.matches(".*\\s1,234\\s+413\\s+187$"), httpsBefore);
    }

    @Test
    void handshakeTargetIsConcurrencyPlusFive() {
        TargetCheck.Target handshakes = TargetCheck.evaluate(RUNS, 16).get(2);
        assertEquals(21, handshakes.threshold(), 0);
        assertEquals(16, handshakes.measured(), 0);
        assertTrue(handshakes.met().orElseThrow());
    }

    @Test
    void handshakeTargetOfTheAgentsPoolSizeHoldsAtAnyConcurrency() {
        List<TargetCheck.Target> atSixteen = TargetCheck.evaluate(RUNS, 16);
        TargetCheck.Target capped = atSixteen.get(atSixteen.size() - 1);
        assertTrue(capped.label().startsWith("TLS handshakes in the after run"), capped.label());
        assertEquals(105, capped.threshold(), 0);
        assertEquals(105, TargetCheck.evaluate(RUNS, 400).get(atSixteen.size() - 1).threshold(), 0, "not tied to concurrency");
        assertTrue(capped.met().orElseThrow());

        List<RunResult> runs = new ArrayList<>(RUNS);
        runs.set(5, run("after", "https", true, 9000, 1.7, 4.4, 0, 106, 106, 21_000, 0.11));
        List<TargetCheck.Target> targets = TargetCheck.evaluate(runs, 200);
        assertTrue(targets.get(2).met().orElseThrow(), "106 <= 200 + 5");
        assertFalse(targets.get(targets.size() - 1).met().orElseThrow(), "106 > 100 + 5");
        assertEquals("106", Numbers.measured(targets.get(targets.size() - 1)), "a count, not a ratio");
    }

    @Test
    void ratioTargetsAreTheMedianOfEachRoundsOwnRatio() {
        // A machine that got faster in the second round: a run of one round against a run of the other
        // reads anything from 0.69 to 1.24; within each round after was 0.90 and 0.95 of the reference.
        RunResult after1 = run("after", "https", true, 8280, 1.7, 4.4, 0, 16, 16, 21_000, 0.11);
        RunResult reference1 = run("reference", "https", false, 9200, 1.6, 4.0, 0, 16, 16, 20_000, 0.10);
        RunResult after2 = run("after", "https", true, 11_400, 1.7, 4.8, 0, 16, 16, 21_000, 0.11);
        RunResult reference2 = run("reference", "https", false, 12_000, 1.6, 4.0, 0, 16, 16, 20_000, 0.10);
        List<TargetCheck.Target> targets = TargetCheck.evaluate(List.of(after1, reference1),
                List.of(List.of(after1, reference1), List.of(reference2, after2)), 16);
        assertEquals(0.925, targets.get(1).measured(), 1e-9, "median of 0.90 and 0.95");
        assertEquals(1.15, targets.get(4).measured(), 1e-9, "p99: median of 1.10 and 1.20");
        assertTrue(Double.isNaN(targets.get(0).measured()), "no round ran before");
    }

    @Test
    void tableSaysWhetherEveryWindowWasSteady() {
        assertTrue(TextTable.render(OKHTTP, RUNS, List.of()).contains("Steady state: in every run"), "halves 0.98x and 1.02x of the mean");

        List<RunResult> runs = new ArrayList<>(RUNS);
        RunResult after = runs.get(5);
        runs.set(5, new RunResult(after.name(), after.client(), after.scheme(), after.agentAttached(), after.proxyClient(),
                after.requests(), after.requestsPerSecond(), after.p50Millis(), after.p99Millis(), after.errors(),
                after.upstreamConnections(), after.tlsHandshakes(), after.allocatedBytesPerRequest(), after.cpuMillisPerRequest(),
                after.liveThreads(), after.peakThreads(), after.startupMillis(), after.firstRequestMillis(), 1000, 1200,
                after.warmupSeconds(), after.jitSettled()));
        String note = TextTable.steadinessNote(runs);
        assertTrue(note.startsWith("Not steady"), note);
        assertTrue(note.contains("https after 1.20x") && !note.contains("before"), note);
    }

    @Test
    void tableAndHtmlSayHowLongEachWarmupWasAndMarkTheOnesThatHitTheCap() {
        String settled = TextTable.render(OKHTTP, RUNS, List.of());
        String header = settled.lines().filter(l -> l.startsWith("scheme")).findFirst().orElseThrow();
        assertTrue(header.matches("scheme\\s+run\\s+agent\\s+warm-up s\\s+req/s\\s.*"), header);
        String httpAfter = settled.lines().filter(l -> l.startsWith("http    after")).findFirst().orElseThrow();
        assertTrue(httpAfter.matches("http\\s+after\\s+yes\\s+31\\.5\\s+9,800\\s.*"), httpAfter);
        assertFalse(settled.contains(TextTable.NOT_SETTLED_NOTE), "no mark, no note");

        List<RunResult> runs = new ArrayList<>(RUNS);
        runs.set(2, withWarmup(runs.get(2), Double.NaN, false));
        assertFalse(TextTable.render(OKHTTP, runs, List.of()).contains(TextTable.NOT_SETTLED_NOTE),
                "a warm-up not known (n/a) is not marked, so there is nothing to explain");
        runs.set(1, withWarmup(runs.get(1), 45.02, false));
        String capped = TextTable.render(OKHTTP, runs, List.of());
        String cappedAfter = capped.lines().filter(l -> l.startsWith("http    after")).findFirst().orElseThrow();
        assertTrue(cappedAfter.matches("http\\s+after\\s+yes\\s+45\\.0\\*\\s+9,800\\s.*"), cappedAfter);
        String unknown = capped.lines().filter(l -> l.startsWith("http    reference")).findFirst().orElseThrow();
        assertTrue(unknown.matches("http\\s+reference\\s+no\\s+n/a\\s+10,100\\s.*"), unknown);
        assertTrue(capped.contains("\n" + TextTable.NOT_SETTLED_NOTE + "\n"), capped);
        assertTrue(TextTable.NOT_SETTLED_NOTE.startsWith("* the warm-up ended at its cap (--max-warmup)"));
        assertTrue(capped.contains("Steady state: in every run"), "the steadiness line stays");

        String html = HtmlReportWriter.write(CONTEXT, runs, List.of());
        assertTrue(html.contains("<th>warm-up s</th><th>req/s</th>"), "the column in the HTML table");
        assertTrue(html.contains(">yes</td><td>45.0*</td><td>9,800</td>"), "http after, marked");
        assertTrue(html.contains(">yes</td><td>31.5</td><td>9,000</td>"), "https after, settled");
        assertTrue(html.contains(Html.escape(TextTable.NOT_SETTLED_NOTE)), "the mark explained");
        assertTrue(html.contains("until the proxy's JIT compiler has been idle for 5 s"), "the rule explained");
        assertTrue(html.contains("at least 2 s and at most 45 s"), "between the min and max");
        assertTrue(html.contains("after 2 to 45 s warm-up per run"), "the settings line");
    }

    private static RunResult withWarmup(RunResult r, double warmupSeconds, boolean jitSettled) {
        return new RunResult(r.name(), r.client(), r.scheme(), r.agentAttached(), r.proxyClient(), r.requests(),
                r.requestsPerSecond(), r.p50Millis(), r.p99Millis(), r.errors(), r.upstreamConnections(), r.tlsHandshakes(),
                r.allocatedBytesPerRequest(), r.cpuMillisPerRequest(), r.liveThreads(), r.peakThreads(), r.startupMillis(),
                r.firstRequestMillis(), r.firstHalfRps(), r.secondHalfRps(), warmupSeconds, jitSettled);
    }

    private static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static RunResult run(String name, String scheme, boolean agent, double rps, double p50, double p99,
                                 long errors, long connections, long handshakes, double alloc, double cpu) {
        return run(name, scheme, agent, rps, p50, p99, errors, connections, handshakes, alloc, cpu, 45, 350, 120);
    }

    private static RunResult run(String name, String scheme, boolean agent, double rps, double p50, double p99,
                                 long errors, long connections, long handshakes, double alloc, double cpu,
                                 long threads, double startupMillis, double firstRequestMillis) {
        return new RunResult(name, "okhttp", scheme, agent, agent ? "client-per-request" : "x", (long) (rps * 8), rps, p50, p99,
                errors, connections, handshakes, alloc, cpu, threads, threads + 10, startupMillis, firstRequestMillis,
                rps * 0.98, rps * 1.02, 31.5, true);
    }
}
