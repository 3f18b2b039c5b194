package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * Checks the instruments, without the agent: the server-side connection counter sees one
 * connection per request of a per-request client, and far fewer for one shared pooled client
 * (what the agent should achieve), with identical responses. If this fails, no other result of
 * this module means anything.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HarnessSelfCheckIT extends UpstreamTest {


    @Test
    void counterSeesOneConnectionPerRequestAndFewForASharedClient() {
        for (String base : new String[] {upstream.http()}) {
            upstream.reset();
            RunResult perRequest = JvmRunner.app(LoadApp.class).name("selfcheck-per-request")
                    .args("modes=default", "bases=" + base, "paths=" + Upstream.MIXED_PATHS,
                            "requests=100", "threads=8")
                    .run();
            RunResult.Summary s1 = perRequest.summary();
            int perRequestConnections = upstream.counterFor(base).accepted();
            assertEquals(100, s1.successes(), perRequest.describe());
            // /redirect is followed on the same connection, so: one connection per request
            assertEquals(100, perRequestConnections, "per-request clients: one connection each\n" + perRequest.describe());

            upstream.reset();
            RunResult shared = JvmRunner.app(LoadApp.class).name("selfcheck-shared")
                    .args("modes=pooling", "shared=true", "bases=" + base, "paths=" + Upstream.MIXED_PATHS,
                            "requests=600", "threads=16")
                    .run();
            RunResult.Summary s2 = shared.summary();
            int sharedConnections = upstream.counterFor(base).accepted();
            assertEquals(600, s2.successes(), shared.describe());
            assertTrue(sharedConnections <= 16, "one shared client: at most a connection per thread, got "
                    + sharedConnections + "\n" + shared.describe());
            System.out.printf("selfcheck %s: per-request %d conns in %d ms, shared %d conns in %d ms%n",
                    base, perRequestConnections, perRequest.elapsedMs, sharedConnections, shared.elapsedMs);
        }
    }

    /**
     * The forwarder's idle close (used by the stale-connection and recovery tests) really closes a kept-alive
     * connection, and the close is the forwarder's, not the server's: with the idle close off, the same kept-alive
     * connection stays open well past the idle time (the server does not close it), and with it on the forwarder
     * counts the close as its own ({@code idleClosed()}), which a close by the server is not.
     */
    @Test
    void forwarderClosesIdleConnections() throws Exception {
        CountingForwarder forwarder = upstream.newCounter(false);

        forwarder.reset();
        IdleRun off = idleRun(forwarder, 0, 1500);
        int idleClosedOff = forwarder.idleClosed();
        forwarder.reset();
        IdleRun on = idleRun(forwarder, 300, 5000);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (forwarder.idleClosed() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(10); // the forwarder counts its close right after the client has seen it
        }
        int idleClosedOn = forwarder.idleClosed();
        String report = "idle close off: " + off + ", counted by the forwarder: " + idleClosedOff
                + "\nidle close 300 ms: " + on + ", counted by the forwarder: " + idleClosedOn;
        System.out.println("forwarder idle close\n" + report);

        assertTrue(off.answered && on.answered, "premise: both requests were answered\n" + report);
        assertFalse(off.closedByPeer, "control: without the forwarder's idle close the server keeps the connection open for"
                + " 1.5 s, so a close within that time is not the server's\n" + report);
        assertEquals(0, idleClosedOff, report);
        assertTrue(on.closedByPeer, "the forwarder closes the idle kept-alive connection\n" + report);
        assertTrue(on.waitedMs >= 200 && on.waitedMs < 3000, "after about 300 ms idle\n" + report);
        assertEquals(1, idleClosedOn, "the forwarder counts the close as its own\n" + report);
    }

    /** One kept-alive connection: answered at all, then closed by the other side (EOF) or still open after {@code waitMs}. */
    private record IdleRun(boolean answered, boolean closedByPeer, long waitedMs) {
    }

    private static IdleRun idleRun(CountingForwarder forwarder, long idleCloseMs, int waitMs) throws java.io.IOException {
        forwarder.idleCloseMillis(idleCloseMs);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", forwarder.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            boolean answered = n > 0 && new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
            s.setSoTimeout(waitMs);
            long start = System.nanoTime();
            try {
                while (in.read(buf) >= 0) {
                    // the rest of the response, then EOF when the other side closes the connection
                }
                return new IdleRun(answered, true, (System.nanoTime() - start) / 1_000_000);
            } catch (java.net.SocketTimeoutException stillOpen) {
                return new IdleRun(answered, false, (System.nanoTime() - start) / 1_000_000);
            }
        } finally {
            forwarder.idleCloseMillis(0);
        }
    }
}
