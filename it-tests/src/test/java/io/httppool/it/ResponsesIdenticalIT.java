package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.Settings;
import io.httppool.it.harness.Upstream;

/**
 * Issue 2, point 3 / test 1: every per-request habit gets exactly the same responses with the
 * agent as without, over HTTP and HTTPS: statuses 200/204/302/404/500, a redirect followed (or not,
 * for the habit that disables redirects), a 100 KB body, a POST body, and the echoed request headers
 * that client-level options set (user agent, default header, interceptor). Each (habit, scheme) goes
 * through its own connection counter, so the same two runs also show, per habit, one connection per
 * request without the agent and reuse with it.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ResponsesIdenticalIT {

    static final List<String> HABITS = List.of("default", "system", "minimal", "builder", "custom", "pooling");
    static final String PATHS = Upstream.MIXED_PATHS + ",POST:/echo";
    static final int REQUESTS = 80;
    static final int THREADS = 4;

    private static Upstream upstream;
    /** habit@base, in run order. */
    private static final Map<String, String[]> RUNS = new LinkedHashMap<>();
    private static final Map<String, Integer> connectionsWithout = new LinkedHashMap<>();
    private static final Map<String, Integer> connectionsWith = new LinkedHashMap<>();
    private static RunResult without;
    private static RunResult with;
    private static Path dumpWithout;
    private static Path dumpWith;

    @BeforeAll
    static void runBoth() {
        upstream = Upstream.start();
        List<String> runs = new ArrayList<>();
        for (boolean https : new boolean[] {false, true}) {
            for (String habit : HABITS) {
                CountingForwarder counter = upstream.newCounter(https);
                String base = Upstream.baseOf(counter, https);
                RUNS.put(habit + "@" + base, new String[] {habit, base});
                runs.add(habit + "@" + base);
            }
        }
        dumpWithout = Settings.workDir().resolve("dumps/identical-without");
        dumpWith = Settings.workDir().resolve("dumps/identical-with");

        upstream.reset();
        without = run(false, String.join(",", runs), dumpWithout);
        RUNS.forEach((key, r) -> connectionsWithout.put(key, upstream.counterFor(r[1]).accepted()));

        upstream.reset();
        with = run(true, String.join(",", runs), dumpWith);
        RUNS.forEach((key, r) -> connectionsWith.put(key, upstream.counterFor(r[1]).accepted()));
    }

    private static RunResult run(boolean agent, String runs, Path dump) {
        return JvmRunner.app(LoadApp.class).agent(agent).name("identical")
                .args("runs=" + runs, "paths=" + PATHS, "requests=" + REQUESTS, "threads=" + THREADS,
                        "body=identical-body", "dump=" + dump)
                .timeout(java.time.Duration.ofMinutes(2))
                .run();
    }

    @AfterAll
    static void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void withoutTheAgentEveryHabitAnswersEverythingOnAConnectionPerRequest() {
        for (String[] r : RUNS.values()) {
            RunResult.Summary s = without.summary(r[0], r[1]);
            assertEquals(REQUESTS, s.successes(), s + "\n" + without.describe());
            assertEquals(REQUESTS, connectionsWithout.get(r[0] + "@" + r[1]),
                    "per-request habit " + r[0] + " at " + r[1] + ": one connection per request\n" + without.describe());
        }
    }

    @Test
    void withTheAgentEveryHabitGetsIdenticalResponses() throws IOException {
        AgentLog.assertPoolingOn(with);
        List<String> problems = new ArrayList<>();
        for (String[] r : RUNS.values()) {
            RunResult.Summary a = without.summary(r[0], r[1]);
            RunResult.Summary b = with.summary(r[0], r[1]);
            for (String field : List.of("successes", "failures", "failureTypes", "statuses", "digest")) {
                if (!a.get(field).equals(b.get(field))) {
                    problems.add(r[0] + " at " + r[1] + ": " + field + " without agent " + a.get(field)
                            + ", with agent " + b.get(field) + firstDifference(LoadApp.dumpName(r[0], r[1])));
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n" + with.describe());
    }

    @Test
    void withTheAgentEveryHabitReusesConnections() {
        AgentLog.assertPoolingOn(with);
        List<String> problems = new ArrayList<>();
        connectionsWith.forEach((key, n) -> {
            if (n > THREADS + 2) {
                problems.add(key + ": " + n + " connections for " + REQUESTS + " requests on " + THREADS + " threads");
            }
        });
        assertTrue(problems.isEmpty(), "expected at most threads + 2 connections per habit (the habits run one after"
                + " the other, each on its own route: 12 routes x " + THREADS + " connections exceed the default"
                + " HTTP_MAX_KEEPALIVE_CONNECTIONS=20, so the agent must drop the longest-idle connections of earlier"
                + " routes, not the one just released):\n"
                + String.join("\n", problems) + "\n" + with.describe());
    }

    private static String firstDifference(String file) throws IOException {
        Path a = dumpWithout.resolve(file);
        Path b = dumpWith.resolve(file);
        if (!Files.exists(a) || !Files.exists(b)) {
            return "";
        }
        List<String> la = Files.readAllLines(a);
        List<String> lb = Files.readAllLines(b);
        for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
            if (!la.get(i).equals(lb.get(i))) {
                return "\n    first difference, request " + i + ":\n      without: " + abbreviate(la.get(i))
                        + "\n      with:    " + abbreviate(lb.get(i));
            }
        }
        return "";
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
