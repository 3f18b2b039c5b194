package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.Settings;
import io.httppool.it.harness.SlowServer;

/**
 * Issue 12: pooled connections follow DNS. The app calls {@code http://upstream.test:PORT/ok} with a
 * per-request {@code HttpClients.createDefault()} on 4 threads; the name comes from a hosts file
 * ({@code -Djdk.net.hosts.file}) with a JVM DNS cache of 1 s; the same upstream listens on 127.0.0.1 and
 * 127.0.0.2. After a few seconds the test moves the name from .1 to .2. Counted on the server side:
 * which address answered each request.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DnsFollowIT {

    static final String NAME = "upstream.test";
    /** Cache time of the child JVMs' DNS cache, and the margin the promise allows on top of it. */
    static final long CACHE_MS = 1_000;
    static final long FOLLOW_WITHIN_MS = CACHE_MS + 2_000;

    private SlowServer first;
    private SlowServer second;
    private Path hosts;

    @BeforeEach
    void start() throws Exception {
        first = new SlowServer(InetAddress.getByName("127.0.0.1"));
        second = new SlowServer(InetAddress.getByName("127.0.0.2"), first.port());
        hosts = Files.createTempFile(Settings.workDir(), "hosts", ".txt");
        pointTo("127.0.0.1");
    }

    @AfterEach
    void stop() {
        first.close();
        second.close();
    }

    private void pointTo(String address) throws Exception {
        Path next = Files.createTempFile(Settings.workDir(), "hosts", ".tmp");
        Files.writeString(next, address + " " + NAME + "\n");
        Files.move(next, hosts, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private JvmRunner app(boolean agent, int requests) {
        return app("apache5", agent, requests);
    }

    private JvmRunner app(String library, boolean agent, int requests) {
        return JvmRunner.app(LoadApp.class).agent(agent).name("dns-follow-" + library)
                .sysprop("jdk.net.hosts.file", hosts.toString())
                .sysprop("sun.net.inetaddr.ttl", String.valueOf(CACHE_MS / 1000))
                .args("library=" + library, "modes=default", "bases=http://" + NAME + ":" + first.port(), "paths=/ok",
                        "requests=" + requests, "threads=4", "pause-ms=25")
                .timeout(Duration.ofMinutes(1));
    }

    /** What one run saw: the share of requests answered on .2 from {@code FOLLOW_WITHIN_MS} after the move on. */
    private record Run(RunResult result, double newShareAfterMove, int answeredAfterMove, long moveNanos) {
    }

    private Run runAndMove(JvmRunner runner, String moveTo) throws Exception {
        first.reset();
        second.reset();
        CompletableFuture<RunResult> running = CompletableFuture.supplyAsync(runner::run);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (first.servedAt().size() + second.servedAt().size() < 200 && System.nanoTime() < deadline) {
            Thread.sleep(20); // let the load run (and the JVM warm up) before the move
        }
        long moved = System.nanoTime();
        pointTo(moveTo);
        RunResult result = running.get(2, TimeUnit.MINUTES);
        long from = moved + TimeUnit.MILLISECONDS.toNanos(FOLLOW_WITHIN_MS);
        long onFirst = first.servedAt().stream().filter(t -> t >= from).count();
        long onSecond = second.servedAt().stream().filter(t -> t >= from).count();
        long total = onFirst + onSecond;
        return new Run(result, total == 0 ? 0 : (double) onSecond / total, (int) total, moved);
    }

    /** The conformance case every pooled library runs: the name moves, traffic follows. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"apache5", "apache5-async", "jdk", "okhttp", "apache4"})
    void whenTheNameMovesTrafficFollowsWithinTheCacheTimeAsWithoutTheAgent(String library) throws Exception {
        Run without = runAndMove(app(library, false, 1200), "127.0.0.2");
        assertEquals("1200", without.result.summary().get("successes"), without.result.describe());
        assertTrue(without.newShareAfterMove >= 0.9, "control: without the agent traffic follows the name: "
                + without.newShareAfterMove + " of " + without.answeredAfterMove);

        pointTo("127.0.0.1");
        Run with = runAndMove(app(library, true, 1200), "127.0.0.2");
        RunResult.Summary s = with.result.summary();
        AgentLog.assertPoolingOn(with.result);
        assertEquals("1200", s.get("successes"), "no request fails while connections move\n" + with.result.describe());
        assertTrue(with.answeredAfterMove > 100, "load went on after the move: " + with.answeredAfterMove);
        assertTrue(with.newShareAfterMove >= 0.9, "with the agent, " + (int) (100 * with.newShareAfterMove) + "% of the "
                + with.answeredAfterMove + " requests from " + FOLLOW_WITHIN_MS + " ms after the move on went to the new"
                + " address (at least 90% expected; without the agent " + (int) (100 * without.newShareAfterMove) + "%)\n"
                + with.result.describe());
        assertTrue(first.accepted() + second.accepted() <= 4 + 4 + 4, "pooled: a few connections on each address, not one per"
                + " request: " + first.accepted() + " + " + second.accepted());
    }

    @Test
    void aNameThatKeepsItsAddressKeepsItsConnections() throws Exception {
        Run with = runAndMove(app(true, 800), "127.0.0.1"); // rewritten, same address
        assertEquals("800", with.result.summary().get("successes"), with.result.describe());
        assertEquals(0, second.servedAt().size(), "nothing went elsewhere");
        assertTrue(first.accepted() <= 4 + 2, "no churn: about one connection per thread for the whole run, "
                + first.accepted() + " accepted\n" + with.result.describe());
    }

    @Test
    void theLifetimeBoundReplacesConnectionsUnderLoadWithoutFailingRequests() throws Exception {
        first.reset();
        RunResult bounded = JvmRunner.app(LoadApp.class).withAgent().name("lifetime")
                .env("HTTP_POOL_MAX_CONNECTION_LIFETIME", "1")
                .args("modes=default", "bases=http://127.0.0.1:" + first.port(), "paths=/ok",
                        "requests=800", "threads=4", "pause-ms=25")
                .timeout(Duration.ofMinutes(1))
                .run();
        RunResult.Summary s = bounded.summary();
        assertEquals("800", s.get("successes"), "no request fails when connections are replaced\n" + bounded.describe());
        long seconds = Long.parseLong(s.get("elapsedMs")) / 1000;
        assertTrue(seconds >= 3, "the run lasts several lifetimes: " + seconds + " s");
        // Ideally 4 per second; a connection is replaced at its first lease after its lifetime, so on a busy
        // machine (slow requests) a cycle takes longer than the second: at least half of that, and always more
        // than the control's bound below.
        long minimum = Math.max(8, 2 * seconds);
        assertTrue(first.accepted() >= minimum, "4 connections replaced about every second over " + seconds
                + " s: " + first.accepted() + " accepted, at least " + minimum + " expected\n" + bounded.describe());
        assertTrue(first.accepted() <= 4 * (seconds + 2) + 4, "but not one per request: " + first.accepted());

        first.reset();
        RunResult control = JvmRunner.app(LoadApp.class).withAgent().name("lifetime-default")
                .args("modes=default", "bases=http://127.0.0.1:" + first.port(), "paths=/ok",
                        "requests=800", "threads=4", "pause-ms=25")
                .timeout(Duration.ofMinutes(1))
                .run();
        assertEquals("800", control.summary().get("successes"), control.describe());
        assertTrue(first.accepted() <= 4 + 2, "control: with the default lifetime (300 s) the same run keeps its"
                + " connections: " + first.accepted() + " accepted");
        List<String> none = AgentLog.lines(bounded.stderr, "Exception");
        assertTrue(none.isEmpty(), "nothing on stderr: " + none);
    }
}
