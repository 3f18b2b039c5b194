package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * HTTP_POOL_LEAK_STACKS (README "Leaks are reclaimed"): which leak and long-lease reports carry the stack
 * that leased the connection. {@code always}: the first leak WARN is followed by
 * {@code java.lang.Throwable: connection leased here} and the app's leaking method among its frames;
 * {@code off}: no stack, ever (the control for {@code always}: same leaks, same WARN, no stack);
 * {@code sampled} (the default): the first long-lease report has no stack and says stacks are recorded from
 * now on, and the next long-lease report has it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LeakStacksIT extends UpstreamTest {

    static final String POOL = "apache5/default";
    static final String LEASED_HERE = "java.lang.Throwable: connection leased here";

    @ParameterizedTest(name = "HTTP_POOL_LEAK_STACKS={0}")
    @ValueSource(strings = {"always", "off"})
    void theLeakWarningCarriesTheLeasingStackOnlyWhenStacksAreRecorded(String stacks) {
        CountingForwarder counter = upstream.newCounter(false);
        String base = Upstream.baseOf(counter, false);
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("leak-stacks-" + stacks)
                .env("HTTP_POOL_LEAK_STACKS", stacks)
                .env("HTTP_MAX_CONNECTIONS", "4")
                .env("HTTP_POOL_ON_EXHAUSTED", "wait")
                .env("HTTP_POOL_TIMEOUT", "10")
                .env("HTTP_POOL_HEALTH_INTERVAL", "0.5")
                .start()) {
            JvmRunner.Outcome leak = app.send("LEAK default " + base + "/ok 40");
            assertTrue(leak.ok && leak.status == 200, "40 leaking requests on a pool of 4 succeed (leases reclaimed)\n" + app.describe());
            List<String> warns = AgentLog.await(app::stderr, Duration.ofSeconds(10), AgentLog.TAG, "Connection leak in pool " + POOL);
            assertFalse(warns.isEmpty(), "a leak WARN\n" + app.describe());
            String stderr = app.stderr();
            String first = warns.get(0);
            List<String> stack = stackAfter(stderr, first);
            System.out.println("HTTP_POOL_LEAK_STACKS=" + stacks + ": " + first + "\n" + String.join("\n", stack));
            if ("always".equals(stacks)) {
                assertFalse(stack.isEmpty(), "with 'always' the first leak WARN is followed by the leasing stack\n" + app.describe());
                assertEquals(LEASED_HERE, stack.get(0), "the stack is the lease's\n" + String.join("\n", stack));
                assertTrue(stack.stream().anyMatch(l -> l.contains("at io.httppool.it.apps.InteractiveApp.leakOne(")),
                        "the stack names the app's leaking method (InteractiveApp.leakOne)\n" + String.join("\n", stack));
            } else {
                assertEquals(List.of(), stack, "with 'off' no stack follows the leak WARN\n" + app.describe());
                assertFalse(stderr.contains("connection leased here"), "with 'off' no stack, ever\n" + app.describe());
                assertFalse(first.contains("recorded"), "'off' promises no stacks: " + first);
            }
        }
    }

    @Test
    void sampledStacksStartWithTheFirstLongLeaseAndTheNextReportCarriesOne() {
        CountingForwarder counter = upstream.newCounter(false);
        String base = Upstream.baseOf(counter, false);
        String longLease = "leased by thread 'main' for";
        try (JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("leak-stacks-sampled")
                .env("HTTP_POOL_LEAK_THRESHOLD", "1")
                .env("HTTP_POOL_HEALTH_INTERVAL", "0.25")
                .start()) {
            assertFalse(AgentLog.lines(app.stderr(), AgentLog.TAG, "pooling ON", "HTTP_POOL_LEAK_STACKS=sampled").isEmpty(),
                    "premise: sampled is the default\n" + app.describe());
            // The pool's first lease is the 1 in 1024 that the sampling records (lease 1, 1025, ...): a plain request
            // takes it, so that the held leases below are ordinary unsampled ones.
            assertTrue(app.send("REQ default GET " + base + "/ok").ok, app.describe());

            assertTrue(app.send("HOLD h1 default " + base + "/ok").ok, app.describe());
            List<String> warns = AgentLog.await(app::stderr, Duration.ofSeconds(10), AgentLog.TAG, longLease);
            assertEquals(1, warns.size(), "one long-lease report for h1\n" + app.describe());
            assertTrue(app.send("RELEASE h1").ok, app.describe());
            String first = warns.get(0);
            List<String> firstStack = stackAfter(app.stderr(), first);
            assertTrue(first.contains("Leasing stack not recorded; recorded for this pool from now on"),
                    "the first report says stacks are recorded from now on: " + first);
            assertEquals(List.of(), firstStack, "the first report carries no stack\n" + app.describe());

            assertTrue(app.send("HOLD h2 default " + base + "/ok").ok, app.describe());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (AgentLog.lines(app.stderr(), AgentLog.TAG, longLease).size() < 2 && System.nanoTime() < deadline) {
                RecoveryIT.sleep(50);
            }
            assertTrue(app.send("RELEASE h2").ok, app.describe());
            String stderr = app.stderr();
            warns = AgentLog.lines(stderr, AgentLog.TAG, longLease);
            assertEquals(2, warns.size(), "a second long-lease report, for h2\n" + app.describe());
            String second = warns.get(1);
            List<String> secondStack = stackAfter(stderr, second);
            System.out.println("sampled: first report: " + first + "\nsecond report: " + second + "\n" + String.join("\n", secondStack));
            assertFalse(second.contains("not recorded"), second);
            assertFalse(secondStack.isEmpty(), "the next report carries the leasing stack\n" + app.describe());
            assertEquals(LEASED_HERE, secondStack.get(0), String.join("\n", secondStack));
            assertTrue(secondStack.stream().anyMatch(l -> l.contains("at io.httppool.it.apps.InteractiveApp$Held.open(")),
                    "the stack names the app's method that took the lease (InteractiveApp$Held.open)\n" + String.join("\n", secondStack));
        }
    }

    /** The stack trace printed right after {@code line} in {@code stderr} (empty when the next line is another log line). */
    static List<String> stackAfter(String stderr, String line) {
        String[] lines = stderr.split("\n");
        List<String> stack = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].equals(line)) {
                continue;
            }
            for (int j = i + 1; j < lines.length; j++) {
                String l = lines[j].replace("\r", "");
                boolean frame = l.startsWith("\t") || l.startsWith("java.lang.Throwable") || l.startsWith("Caused by:");
                if (!frame) {
                    break;
                }
                stack.add(l);
            }
            break;
        }
        return stack;
    }
}
