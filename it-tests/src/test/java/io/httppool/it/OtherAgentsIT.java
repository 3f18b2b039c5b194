package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * The OpenTelemetry Java agent 2.x attached together with ours, in either order (its premain first, or ours): every
 * library's per-request clients are still pooled (connections counted at the server), every request succeeds,
 * OpenTelemetry still records one CLIENT span per request (its logging exporter prints each span on stderr), and
 * neither agent prints anything the OpenTelemetry agent alone does not: once the spans and our tagged INFO lines are
 * taken out, the application's stderr is what the same run prints with OpenTelemetry alone (the control, which also
 * opens a connection per request).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class OtherAgentsIT extends UpstreamTest {

    static final int REQUESTS = 40;
    static final int THREADS = 4;
    static final int ALLOWED = THREADS + 3;
    /** The OpenTelemetry instrumentation (tracer) name of each library's client spans. */
    static final Map<String, String> TRACERS = Map.of(
            "apache5", "io.opentelemetry.apache-httpclient-5.0",
            "jdk", "io.opentelemetry.java-http-client",
            "okhttp", "io.opentelemetry.okhttp-3.0");

    private static String otelAgent() {
        Path jar = Path.of(System.getProperty("it.otel.agent", "target/other-agents/opentelemetry-javaagent.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("OpenTelemetry Java agent not found at " + jar.toAbsolutePath()
                    + " (copied by maven-dependency-plugin in generate-test-resources)");
        }
        return jar.toString();
    }

    private static RunResult run(String library, boolean ours, boolean otelFirst, CountingForwarder counter) {
        return JvmRunner.app(LoadApp.class).agent(ours).otherAgent(otelAgent(), otelFirst)
                .name("otel-" + library + (otelFirst ? "-otel-first" : "-ours-first"))
                .sysprop("otel.traces.exporter", "logging").sysprop("otel.metrics.exporter", "none")
                .sysprop("otel.logs.exporter", "none").timeout(Duration.ofMinutes(2))
                .args("library=" + library, "modes=default", "bases=" + Upstream.baseOf(counter, false), "paths=/ok",
                        "requests=" + REQUESTS, "threads=" + THREADS)
                .run();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"apache5", "jdk", "okhttp"})
    void bothAgentsDoTheirJobInEitherOrder(String library) {
        CountingForwarder alone = upstream.newCounter(false);
        RunResult control = run(library, false, true, alone);
        assertEquals(REQUESTS, control.summary().successes(), control.describe());
        assertEquals(REQUESTS, clientSpans(control, library), "control: OpenTelemetry alone records a span per request\n"
                + control.describe());
        assertTrue(alone.accepted() >= REQUESTS * 3 / 4, "control: a connection per request without our agent, saw "
                + alone.accepted() + "\n" + control.describe());

        for (boolean otelFirst : new boolean[] {true, false}) {
            CountingForwarder together = upstream.newCounter(false);
            RunResult both = run(library, true, otelFirst, together);
            String story = library + (otelFirst ? ", OpenTelemetry first: " : ", ours first: ") + together.accepted()
                    + " connections\n" + both.describe();
            assertEquals(REQUESTS, both.summary().successes(), story);
            AgentLog.assertPoolingOn(both);
            assertTrue(together.accepted() <= ALLOWED, "pooled beside OpenTelemetry: at most " + ALLOWED + " connections: " + story);
            assertEquals(REQUESTS, clientSpans(both, library), "OpenTelemetry still records one client span per request\n" + story);
            assertEquals(List.of(), AgentLog.lines(both.stderr, AgentLog.TAG, " WARN ").stream()
                    .map(line -> line.substring(0, Math.min(200, line.length()))).toList(), "no warning of ours\n" + story);
            assertEquals(List.of(), AgentLog.lines(both.stderr, AgentLog.TAG, " ERROR "), "no error of ours\n" + story);
            assertEquals(otherLines(control.stderr), otherLines(both.stderr),
                    "stderr without the spans and our INFO lines is what OpenTelemetry alone prints\n" + story);
        }
    }

    /** CLIENT spans of the library's OpenTelemetry instrumentation that the logging exporter printed. */
    private static long clientSpans(RunResult run, String library) {
        return run.stderr.lines().filter(line -> line.contains("LoggingSpanExporter") && line.contains(" CLIENT ")
                && line.contains("[tracer: " + TRACERS.get(library) + ":")).count();
    }

    /**
     * The stderr lines that are neither spans nor our own lines, timestamps taken out, sorted (threads may interleave
     * differently from run to run).
     */
    private static List<String> otherLines(String stderr) {
        return stderr.lines().filter(line -> !line.isBlank() && !line.contains(AgentLog.TAG) && !line.contains("LoggingSpanExporter"))
                .map(line -> line.replaceAll("^\\[otel\\.javaagent [^\\]]*\\]", "[otel.javaagent]"))
                .sorted().toList();
    }
}
