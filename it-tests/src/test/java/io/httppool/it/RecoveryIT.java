package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.AgentMBeans;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.Settings;
import io.httppool.it.harness.StatusEndpoint;
import io.httppool.it.harness.Upstream;

/**
 * Issue 3, point 6: the shared pool survives what the upstream and the application do to it.
 * <ul>
 *   <li>an upstream restart, and a server closing idle connections, under a steady paced load of
 *       non-idempotent requests (which HttpClient never retries): no request fails that does not also
 *       fail without the agent (only requests made while the upstream is really down, refused);</li>
 *   <li>an upstream down for a while and back: requests fail while it is down, as without the agent,
 *       succeed at once when it is back, and /health says DEGRADED meanwhile and HEALTHY again within
 *       one health interval;</li>
 *   <li>an {@code Error} thrown inside a request (HttpClient then closes the connection manager, even a
 *       shared one): the pool is recreated, later requests succeed, connections stay bounded.</li>
 * </ul>
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RecoveryIT {

    static final String POOL = "apache5/default";
    static final String HEALTH_INTERVAL = "0.5";
    static final long HEALTH_INTERVAL_MS = 500;
    /** Slack on top of one health interval for a check to run and be read on a busy 2-core machine. */
    static final long SLACK_MS = 1000;

    static final int THREADS = 4;
    static final int BURST = 2;

    private Upstream upstream;

    @BeforeEach
    void start() {
        upstream = Upstream.start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    // ---- upstream restart under load ------------------------------------------------------------------

    /** What a paced LoadApp run across restarts did. */
    private record LoadRun(RunResult result, RunResult.Summary summary, Map<String, Integer> failures,
                           List<String> outcomes, int accepted, List<Long> downtimesMs) {

        int connectFailures() {
            return failures.entrySet().stream().filter(e -> isConnectFailure(e.getKey())).mapToInt(Map.Entry::getValue).sum();
        }

        int otherFailures() {
            return summary.failures() - connectFailures();
        }
    }

    /**
     * 4 threads each send POSTs in bursts of 2, 0.7 s apart (so between bursts every pooled connection is
     * idle); after the 2nd burst and again one full burst after the upstream is back, the whole upstream
     * restarts: its connections are closed and, while it is down, new ones refused. A refused request
     * fails with or without the agent; any other failure is a request that reached a running upstream
     * and failed: with a pool, that is a stale connection reused.
     */
    @Test
    void upstreamRestartsUnderSteadyLoadFailNoRequestThatSucceedsWithoutTheAgent() throws Exception {
        LoadRun without = loadAcrossRestarts(false);
        LoadRun with = loadAcrossRestarts(true);
        String report = "without agent: " + without.summary + " accepted=" + without.accepted + " down " + without.downtimesMs
                + "\nwith agent:    " + with.summary + " accepted=" + with.accepted + " down " + with.downtimesMs;
        System.out.println("restart under load\n" + report);

        assertEquals(0, without.otherFailures(), "premise: without the agent only requests made while the upstream was down"
                + " (refused) may fail\n" + report + "\n" + without.result.describe());
        AgentLog.assertPoolingOn(with.result);
        assertTrue(with.accepted < with.summary.getInt("requests") * 3 / 4, "precondition: with the agent connections must be"
                + " reused (else no stale connection was ever in play)\n" + report);
        assertEquals(0, with.otherFailures(), "with the agent, requests that reached the running upstream failed"
                + " (a stale pooled connection reused?): " + with.failures + "\n" + report + "\n" + with.result.describe());
        // A restart's down time may cover one burst in one run and not in the other: one burst of slack.
        assertTrue(with.summary.failures() <= without.summary.failures() + THREADS * BURST,
                "more failures with the agent than without (plus one burst)\n" + report + "\n" + with.result.describe());
        for (LoadRun run : List.of(without, with)) {
            List<String> lastBurst = run.outcomes.subList(run.outcomes.size() - THREADS * BURST, run.outcomes.size());
            assertTrue(lastBurst.stream().allMatch(l -> l.split(" ")[1].equals("200")),
                    "the last burst, well after the restarts, must succeed: " + lastBurst + "\n" + report);
        }
    }

    private LoadRun loadAcrossRestarts(boolean agent) throws Exception {
        int bursts = 8;
        int requests = THREADS * BURST * bursts;
        upstream.reset();
        Path dump = Settings.workDir().resolve("dump-restart-" + (agent ? "agent" : "noagent") + "-" + System.nanoTime());
        JvmRunner runner = JvmRunner.app(LoadApp.class).agent(agent).name("restart-under-load")
                .env("HTTP_POOL_HEALTH_INTERVAL", HEALTH_INTERVAL)
                .args("modes=default", "bases=" + upstream.http(), "paths=POST:/echo", "requests=" + requests,
                        "threads=" + THREADS, "burst=" + BURST, "pause-ms=700", "dump=" + dump);
        CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(runner::run);
        List<Long> downtimes = new ArrayList<>();
        int served0 = upstream.served();
        awaitServed(served0 + 2 * THREADS * BURST, run);
        Thread.sleep(100); // the burst's connections are back in the pool, idle
        downtimes.add(restartTimed());
        int servedAfterUp = upstream.served();
        awaitServed(servedAfterUp + THREADS * BURST, run);
        Thread.sleep(100);
        downtimes.add(restartTimed());
        RunResult r = run.get(2, TimeUnit.MINUTES);
        RunResult.Summary s = r.summary();
        List<String> outcomes = Files.readAllLines(dump.resolve(LoadApp.dumpName("default", upstream.http())));
        return new LoadRun(r, s, parseCounts(s.get("failureTypes")), outcomes, upstream.httpCounter().accepted(), downtimes);
    }

    private long restartTimed() {
        long t = System.nanoTime();
        upstream.restartAll();
        return (System.nanoTime() - t) / 1_000_000;
    }

    private void awaitServed(int count, CompletableFuture<RunResult> run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (upstream.served() < count) {
            if (run.isDone()) {
                fail("the load ended before the upstream served " + count + " requests (served " + upstream.served() + ")\n"
                        + run.get().describe());
            }
            if (System.nanoTime() > deadline) {
                fail("the upstream served " + upstream.served() + " requests, expected " + count + " within 60 s");
            }
            Thread.sleep(5);
        }
    }

    /**
     * A server (or load balancer) closing connections idle for 0.2 s, and the same paced load: every
     * burst after the first starts on connections the server closed between bursts. Control: one
     * long-lived pool that never validates (without the agent) fails exactly those POSTs.
     */
    @Test
    void aServerClosingIdleConnectionsUnderSteadyLoadFailsNoRequest() {
        CountingForwarder counter = upstream.newCounter(false);
        counter.idleCloseMillis(200);
        String base = Upstream.baseOf(counter, false);
        int requests = THREADS * BURST * 4;
        String[] load = {"bases=" + base, "paths=POST:/echo", "requests=" + requests, "threads=" + THREADS,
                "burst=" + BURST, "pause-ms=600"};

        upstream.reset();
        RunResult without = JvmRunner.app(LoadApp.class).name("idle-close-load").args("modes=default").args(load).run();
        int acceptedWithout = counter.accepted();
        upstream.reset();
        RunResult with = JvmRunner.app(LoadApp.class).withAgent().name("idle-close-load").args("modes=default").args(load).run();
        int acceptedWith = counter.accepted();
        int idleClosedWith = counter.idleClosed();
        upstream.reset();
        RunResult control = JvmRunner.app(LoadApp.class).name("idle-close-control")
                .args("modes=novalidate", "shared=true").args(load).run();
        String report = "without agent: " + without.summary() + " accepted=" + acceptedWithout
                + "\nwith agent:    " + with.summary() + " accepted=" + acceptedWith + " closed idle by the server=" + idleClosedWith
                + "\ncontrol (one non-validating pool, no agent): " + control.summary();
        System.out.println("idle close under load\n" + report);

        assertEquals(0, without.summary().failures(), "premise: no failure without the agent\n" + report + "\n" + without.describe());
        assertTrue(control.summary().failures() >= THREADS, "control: a non-validating pool must fail POSTs on the connections"
                + " the server closed, else this scenario proves nothing\n" + report + "\n" + control.describe());
        AgentLog.assertPoolingOn(with);
        assertTrue(acceptedWith < requests && idleClosedWith >= THREADS, "precondition: with the agent connections are reused"
                + " within a burst and closed by the server between bursts\n" + report);
        assertEquals(0, with.summary().failures(), "with the agent a POST failed after the server closed an idle"
                + " connection\n" + report + "\n" + with.describe());
    }

    // ---- upstream down for a while, then back --------------------------------------------------------------

    /** What one run of the down-then-back sequence saw. */
    private record DownRun(List<JvmRunner.Outcome> before, List<JvmRunner.Outcome> during, JvmRunner.Outcome firstAfter,
                           List<String> healthDuring, long healthyAfterMs, String healthAfter, String transcript) {
    }

    @Test
    void anUpstreamDownForAWhileFailsRequestsAsWithoutTheAgentAndIsHealthyWithinOneIntervalWhenBack() {
        DownRun without = downThenBack(false);
        DownRun with = downThenBack(true);
        String report = "without agent: during=" + outcomes(without.during) + " after=" + without.firstAfter
                + "\nwith agent: during=" + outcomes(with.during) + " after=" + with.firstAfter
                + "\n/health while down: " + with.healthDuring
                + "\nHEALTHY " + with.healthyAfterMs + " ms after the upstream was back: " + with.healthAfter
                + "\n" + with.transcript;
        System.out.println("down then back\n" + report);

        for (DownRun run : List.of(without, with)) {
            assertTrue(run.before.stream().allMatch(o -> o.ok), "before the outage every request succeeds\n" + report);
            assertTrue(run.during.stream().noneMatch(o -> o.ok), "while the upstream is down every request fails\n" + report);
            assertTrue(run.firstAfter.ok && run.firstAfter.status == 200, "the first request after the upstream is back"
                    + " succeeds\n" + report);
        }
        assertTrue(with.healthDuring.stream().anyMatch(h -> h.startsWith("200 UP DEGRADED") && h.contains("every new connection failed")),
                "while the upstream is down, /health must answer 200 (UP) with the pool DEGRADED, reason 'every new"
                        + " connection failed (...)'\n" + report);
        assertTrue(with.healthDuring.stream().noneMatch(h -> h.contains("UNHEALTHY")),
                "an upstream outage is no reason for UNHEALTHY (a new pool would not help)\n" + report);
        assertTrue(with.healthyAfterMs >= 0 && with.healthyAfterMs <= HEALTH_INTERVAL_MS + SLACK_MS,
                "HEALTHY again within one health interval (" + HEALTH_INTERVAL_MS + " ms, plus " + SLACK_MS
                        + " ms slack) after the upstream is back, took " + with.healthyAfterMs + " ms\n" + report);
        assertFalse(with.transcript.contains("recreated"), "an upstream outage must not make the agent recreate the pool\n" + report);
    }

    private DownRun downThenBack(boolean agent) {
        upstream.reset();
        String base = upstream.http();
        JvmRunner runner = JvmRunner.app(InteractiveApp.class).agent(agent).name("down-then-back");
        if (agent) {
            runner.env("HTTP_POOL_STATUS_PORT", "0").env("HTTP_POOL_HEALTH_INTERVAL", HEALTH_INTERVAL);
        }
        try (JvmRunner.Interactive app = runner.start()) {
            StatusEndpoint status = agent ? StatusEndpoint.await(app) : null;
            List<JvmRunner.Outcome> before = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                before.add(app.send("REQ default GET " + base + "/ok"));
            }
            if (agent) {
                StatusEndpoint.Health h = status.awaitPoolState(POOL, "HEALTHY", Duration.ofSeconds(10));
                assertEquals("HEALTHY", h.pool(POOL).get("state"), "before the outage\n" + h + "\n" + app.describe());
            }

            upstream.down();
            List<JvmRunner.Outcome> during = new ArrayList<>();
            List<String> healthDuring = new ArrayList<>();
            long downUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4 * HEALTH_INTERVAL_MS);
            try {
                while (System.nanoTime() < downUntil) {
                    during.add(app.send("REQ default GET " + base + "/ok"));
                    if (agent) {
                        StatusEndpoint.Health h = status.health();
                        Map<String, String> p = h.pool(POOL);
                        healthDuring.add(h.reply.status + " " + h.status() + " " + p.get("state") + " (" + p.get("reason") + ")");
                    }
                    sleep(100);
                }
            } finally {
                upstream.up();
            }
            long back = System.nanoTime();
            JvmRunner.Outcome firstAfter = app.send("REQ default GET " + base + "/ok");
            long healthyAfterMs = -1;
            String healthAfter = null;
            if (agent) {
                StatusEndpoint.Health h = status.awaitPoolState(POOL, "HEALTHY", Duration.ofSeconds(10));
                healthyAfterMs = "HEALTHY".equals(h.pool(POOL).get("state")) ? (System.nanoTime() - back) / 1_000_000 : -1;
                healthAfter = h.reply.status + " " + h.reply.body;
            }
            return new DownRun(before, during, firstAfter, collapse(healthDuring), healthyAfterMs, healthAfter, app.describe());
        }
    }

    // ---- an Error inside a request -----------------------------------------------------------------------

    /**
     * A request entity throws an Error while being written (inside MainClientExec, which then closes the
     * connection manager, HTTPCLIENT-2133): the agent recreates the pool (WARN, metric, JMX), the requests
     * after it succeed, as without the agent, on one connection again.
     */
    @Test
    void anErrorThrownInsideARequestRecreatesThePoolAndLaterRequestsSucceed() {
        CountingForwarder counter = upstream.newCounter(false);
        String base = Upstream.baseOf(counter, false);
        List<String> script = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 3; i++) {
                script.add("REQ default GET " + base + "/ok");
            }
            script.add("FATAL default " + base + "/echo");
            for (int i = 0; i < 7; i++) {
                script.add("REQ default " + (i % 2 == 0 ? "POST " + base + "/echo after-error" : "GET " + base + "/ok"));
            }
        }
        int requests = script.size();

        upstream.reset();
        List<String> without;
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).name("error-in-request").start()) {
            without = run(app, script);
        }
        int acceptedWithout = counter.accepted();

        upstream.reset();
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("error-in-request")
                .env("HTTP_POOL_STATUS_PORT", "0").env("HTTP_POOL_HEALTH_INTERVAL", HEALTH_INTERVAL).start()) {
            StatusEndpoint status = StatusEndpoint.await(app);
            List<String> with = run(app, script);
            String report = "without agent (" + acceptedWithout + " connections): " + without
                    + "\nwith agent (" + counter.accepted() + " connections): " + with;
            System.out.println("error in a request\n" + report);

            assertTrue(without.stream().filter(l -> l.startsWith("ERR")).allMatch(l -> l.contains("DeliberateError")),
                    "premise: without the agent only the Error requests fail, with the Error\n" + report);
            assertEquals(without, with, "the same outcomes with and without the agent, request by request\n" + report + "\n" + app.describe());
            assertEquals(2, with.stream().filter(l -> l.contains("DeliberateError")).count(), report);

            List<String> warns = AgentLog.await(app::stderr, Duration.ofSeconds(5), AgentLog.TAG, "Pool " + POOL + " recreated:");
            // The second Error comes within 10 s of the first: the agent recreates a pool at most once per
            // 10 s for Errors (an interceptor that throws an Error on every request must not churn pools),
            // but discards the connection and counts the Error every time.
            assertEquals(1, warns.size(), "one WARN 'Pool " + POOL + " recreated: ...' for two Errors 10 s apart at most\n" + app.describe());
            assertTrue(warns.stream().allMatch(l -> l.contains("WARN")), warns.toString());
            StatusEndpoint.Metrics m = status.metrics();
            assertEquals(1, m.pool("http_client_pool_recreations_total", POOL), m.text);
            assertEquals(2, m.pool("http_client_errors_total", POOL, "kind", "fatal"), m.text);
            assertEquals("1", AgentMBeans.await(app, AgentMBeans.pool(POOL), "Recreations", Duration.ofSeconds(5)), app.describe());
            assertEquals("true", AgentMBeans.await(app, AgentMBeans.pool(POOL), "Open", Duration.ofSeconds(5)), app.describe());

            // bounded: the Error's connection is discarded and each pool reuses one connection; the old pools are closed
            assertTrue(counter.accepted() <= 4, "with the agent, " + requests + " sequential requests and 2 Errors should take"
                    + " 3 connections (one per pool), took " + counter.accepted() + "\n" + report);
            assertTrue(counter.awaitOpenAtMost(1, 3000), "the replaced pools' connections must be closed: " + counter.open()
                    + " still open\n" + app.describe());
            StatusEndpoint.Health h = status.awaitPoolState(POOL, "HEALTHY", Duration.ofSeconds(5));
            assertEquals(200, h.reply.status, h.toString());
            assertEquals("HEALTHY", h.pool(POOL).get("state"), "after the recreation the pool serves requests: HEALTHY\n" + h);
        }
    }

    private static List<String> run(JvmRunner.Interactive app, List<String> script) {
        List<String> results = new ArrayList<>();
        for (String command : script) {
            JvmRunner.Outcome o = app.send(command);
            results.add(o.ok ? "OK " + o.status + " " + o.body : "ERR " + o.errorClass);
        }
        return results;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    static boolean isConnectFailure(String exceptionClass) {
        return exceptionClass.endsWith("ConnectException"); // HttpHostConnectException, java.net.ConnectException
    }

    static Map<String, Integer> parseCounts(String field) {
        Map<String, Integer> counts = new TreeMap<>();
        if (!"-".equals(field)) {
            for (String entry : field.split(",")) {
                int colon = entry.lastIndexOf(':');
                counts.put(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1)));
            }
        }
        return counts;
    }

    /** Consecutive repeats collapsed: "x" three times in a row becomes "x [x3]". */
    private static List<String> collapse(List<String> list) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); ) {
            int j = i;
            while (j < list.size() && list.get(j).equals(list.get(i))) {
                j++;
            }
            out.add(list.get(i) + (j - i > 1 ? " [x" + (j - i) + "]" : ""));
            i = j;
        }
        return out;
    }

    private static String outcomes(List<JvmRunner.Outcome> list) {
        Map<String, Integer> counts = new TreeMap<>();
        for (JvmRunner.Outcome o : list) {
            counts.merge(o.ok ? "OK " + o.status : "ERR " + o.errorClass, 1, Integer::sum);
        }
        return counts.toString();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
