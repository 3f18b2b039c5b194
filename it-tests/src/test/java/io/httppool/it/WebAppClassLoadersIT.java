package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.ClassDirs;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.Poll;
import io.httppool.it.harness.StatusEndpoint;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;
import io.httppool.it.loaders.WebAppsLauncher;
import io.httppool.it.loaders.webapp.PerRequestCall;

/**
 * Two web applications in one JVM, each in a class loader of its own with its own copy of HttpClient 5 (as in a
 * servlet container: see {@link WebAppsLauncher}), making a new client for every request on worker threads they
 * share. Each gets a pool of its own, named after its loader; neither sees a ClassCastException or
 * NoClassDefFoundError. When one is undeployed (every reference dropped, nothing closed), its class loader is
 * garbage-collected despite the agent, its pool leaves /health and JMX, and its pooled connections are closed at
 * the server, while the other application's pool and connections stay. A loader that cannot see the agent at all
 * (parent: the platform loader) is left alone, with one log line. Connections are counted per application by a
 * forwarder of its own in front of WireMock.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WebAppClassLoadersIT extends UpstreamTest {

    static final int REQUESTS = 60;
    static final int THREADS = 4;
    /** Connections 4 threads may open under the agent: one each, and a few for timing. */
    static final int ALLOWED = THREADS + 3;
    /** How long the launcher asks for collections before it says the loader is still reachable. */
    static final long COLLECT_MILLIS = 30_000;
    static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    private static JvmRunner container(boolean agent, boolean statusServer) {
        Path launcher = ClassDirs.of("launcher", WebAppsLauncher.class);
        Path webapp = ClassDirs.of("webapp", PerRequestCall.class);
        JvmRunner runner = JvmRunner.app(WebAppsLauncher.class).agent(agent).name("webapps").classPath(launcher.toString());
        if (statusServer) {
            runner.env("HTTP_POOL_STATUS_PORT", "0");
        }
        return runner
                .args("webapp=" + webapp, "libs=" + ClassDirs.jars("httpclient5-", "httpcore5-", "slf4j-api-"))
                .timeout(Duration.ofMinutes(1));
    }

    /**
     * With a status server, the agent starts its health checks and JMX during premain; without one, when the first
     * pool appears, i.e. on a request thread of web app a, whose loader is then that thread's context loader.
     */
    @ParameterizedTest(name = "status server {0}")
    @ValueSource(booleans = {true, false})
    void eachWebAppGetsItsOwnPoolAndAnUndeployedOneIsCollectedWithItsPool(boolean statusServer) {
        CountingForwarder toA = upstream.newCounter(false);
        CountingForwarder toB = upstream.newCounter(false);
        String urlA = Upstream.baseOf(toA, false) + "/ok";
        String urlB = Upstream.baseOf(toB, false) + "/ok";
        try (JvmRunner.Interactive app = container(true, statusServer).start()) {
            String poolA = "apache5/default@" + send(app, "DEPLOY a system").body;
            String poolB = "apache5/default@" + send(app, "DEPLOY b system").body;
            send(app, "CALL a " + REQUESTS + " " + THREADS + " " + urlA);
            send(app, "CALL b " + REQUESTS + " " + THREADS + " " + urlB);
            String story = toA.accepted() + " connections for a, " + toB.accepted() + " for b\n" + app.describe();
            assertTrue(toA.accepted() <= ALLOWED && toB.accepted() <= ALLOWED,
                    REQUESTS + " per-request clients per web app on " + THREADS + " threads: at most " + ALLOWED
                            + " connections each: " + story);
            assertNoLinkageTrouble(app.stderr(), story);

            StatusEndpoint status = statusServer ? StatusEndpoint.await(app) : null;
            if (statusServer) {
                assertTrue(Poll.until(() -> listed(status, poolA) && listed(status, poolB), TEN_SECONDS),
                        "/health lists one pool per web app, " + poolA + " and " + poolB + ":\n" + status.health() + "\n" + story);
            }
            List<String> both = List.of(poolA, poolB).stream().sorted().toList();
            assertTrue(Poll.until(() -> both.equals(jmxPools(app)), TEN_SECONDS),
                    "one pool MBean per web app: " + jmxPools(app) + "\n" + story);
            assertTrue(toA.open() > 0 && toB.open() > 0, "both pools keep idle connections open: " + story);

            send(app, "UNDEPLOY a");
            String collected = send(app, "COLLECTED a " + COLLECT_MILLIS).body;
            System.out.println("web app a's class loader collected (" + collected + ")");
            assertTrue(toA.awaitNoneOpen(15_000), "the undeployed app's pooled connections are closed at the server, "
                    + toA.open() + " still open\n" + app.describe());
            if (statusServer) {
                assertTrue(Poll.until(() -> !listed(status, poolA), TEN_SECONDS), "the undeployed app's pool leaves /health:\n"
                        + status.health());
                assertTrue(listed(status, poolB), "the other app's pool stays in /health:\n" + status.health());
            }
            assertTrue(Poll.until(() -> List.of(poolB).equals(jmxPools(app)), TEN_SECONDS),
                    "only the other app's pool MBean is left: " + jmxPools(app));
            assertTrue(toB.open() > 0, "the other app's idle connections stay open\n" + app.describe());

            int before = toB.accepted();
            send(app, "CALL b " + REQUESTS + " " + THREADS + " " + urlB);
            assertTrue(toB.accepted() - before <= ALLOWED, "the other app keeps reusing its pool: "
                    + (toB.accepted() - before) + " new connections\n" + app.describe());
            assertNoLinkageTrouble(app.stderr(), app.describe());
        }
    }

    /** Control: without the agent, a connection per request, and the undeployed loader is collected all the same. */
    @Test
    void withoutTheAgentEveryRequestConnectsAndTheLoaderIsCollected() {
        CountingForwarder toA = upstream.newCounter(false);
        try (JvmRunner.Interactive app = container(false, false).start()) {
            send(app, "DEPLOY a system");
            send(app, "CALL a " + REQUESTS + " " + THREADS + " " + Upstream.baseOf(toA, false) + "/ok");
            assertTrue(toA.accepted() >= REQUESTS * 3 / 4, "about a connection per request without the agent: "
                    + toA.accepted() + "\n" + app.describe());
            send(app, "UNDEPLOY a");
            send(app, "COLLECTED a " + COLLECT_MILLIS);
        }
    }

    /**
     * The JDK's HttpClient lives in the JDK, not in the web app's loader: its shared client (one per setup for the
     * whole JVM) is made by whichever web app asks first, on that app's request thread. Its selector thread must not
     * keep that app's loader once undeployed; without the agent, the app's own clients end when dropped.
     */
    @ParameterizedTest(name = "agent {0}")
    @ValueSource(booleans = {true, false})
    void aWebAppUsingTheJdkClientIsCollectedToo(boolean agent) {
        CountingForwarder toA = upstream.newCounter(false);
        try (JvmRunner.Interactive app = container(agent, false).start()) {
            send(app, "DEPLOY a system");
            send(app, "CALL a 20 4 jdk " + Upstream.baseOf(toA, false) + "/ok");
            send(app, "UNDEPLOY a");
            send(app, "COLLECTED a " + COLLECT_MILLIS);
        }
    }

    /**
     * A loader whose parent is the platform loader cannot see the agent's classes (the agent jar is on the system
     * class path), so the agent's helpers could not link there: HttpClient in it is left alone, with one line
     * saying why, and every request succeeds as without the agent.
     */
    @Test
    void aLoaderThatCannotSeeTheAgentIsLeftAloneWithOneLine() {
        CountingForwarder toC = upstream.newCounter(false);
        try (JvmRunner.Interactive app = container(true, false).start()) {
            String loader = send(app, "DEPLOY c platform").body.replace("URLClassLoader-", "URLClassLoader@");
            send(app, "CALL c 20 2 " + Upstream.baseOf(toC, false) + "/ok");
            List<String> leftAlone = AgentLog.lines(app.stderr(), AgentLog.TAG, loader, "left alone",
                    "does not delegate to the one that loaded the agent");
            assertEquals(1, leftAlone.size(), "one line names the loader and why\n" + app.describe());
            assertTrue(toC.accepted() >= 15, "a connection per request, as without the agent: " + toC.accepted());
            assertNoLinkageTrouble(app.stderr(), app.describe());
            send(app, "UNDEPLOY c");
            send(app, "COLLECTED c " + COLLECT_MILLIS);
        }
    }

    private static JvmRunner.Outcome send(JvmRunner.Interactive app, String command) {
        JvmRunner.Outcome outcome = app.send(command);
        assertTrue(outcome.ok, command + " -> " + outcome + "\n" + app.describe());
        return outcome;
    }

    private static List<String> jmxPools(JvmRunner.Interactive app) {
        return List.of(send(app, "JMXPOOLS").body.split(","));
    }

    private static void assertNoLinkageTrouble(String stderr, String story) {
        for (String trouble : List.of("ClassCastException", "NoClassDefFoundError", "LinkageError", "Internal error")) {
            assertFalse(stderr.contains(trouble), "no " + trouble + " anywhere\n" + story);
        }
    }

    private static boolean listed(StatusEndpoint status, String pool) {
        return !status.health().pool(pool).isEmpty();
    }
}
