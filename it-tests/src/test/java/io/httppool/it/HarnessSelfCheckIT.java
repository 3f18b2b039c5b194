package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.LoadApp;
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

    /** The forwarder's idle close (used by the stale-connection test) really closes a kept-alive connection. */
    @Test
    void forwarderClosesIdleConnections() throws Exception {
        upstream.httpCounter().idleCloseMillis(300);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", upstream.httpCounter().port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            assertTrue(n > 0 && new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
            long start = System.nanoTime();
            while (in.read(buf) >= 0) {
                // drain the rest of the response until the forwarder closes the idle connection
            }
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waited >= 200 && waited < 3000, "closed after " + waited + " ms");
        } finally {
            upstream.httpCounter().idleCloseMillis(0);
        }
    }
}
