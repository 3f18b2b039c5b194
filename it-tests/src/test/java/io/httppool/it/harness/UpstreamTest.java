package io.httppool.it.harness;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the test classes that run against one WireMock {@link Upstream} (HTTP and HTTPS, counters in
 * front), started before the class's first test and stopped after its last.
 */
public abstract class UpstreamTest {

    protected static Upstream upstream;

    @BeforeAll
    static void startUpstream() {
        upstream = Upstream.start();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }
}
