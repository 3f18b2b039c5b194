package io.httppool.it.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.Jdks;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.LibraryVersions;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * The promises every pooled library keeps, run the same way for each (library-neutral apps: LoadApp
 * {@code library=}, InteractiveApp {@code LREQ}), on the JDK running the tests and on JDK 25 where the
 * machine has it. Connections are counted by the forwarder in front of WireMock; every check with the
 * agent has the same run without it beside it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConformanceIT extends UpstreamTest {

    static final List<String> LIBRARIES = List.of("apache5", "apache5-async", "jdk", "okhttp", "apache4");
    static final int THREADS = 8;
    /** Connections 8 threads may open under the agent: one each, and a few for timing. */
    static final int ALLOWED = THREADS + 4;

    /** Every library on every JDK; the other versions (HttpClient 5.0/5.1, OkHttp 3.14/5.x: same hooks) on the default JDK only. */
    static Stream<Arguments> librariesOnJdks() {
        List<Arguments> cases = new ArrayList<>();
        for (String jdk : Jdks.names()) {
            for (String library : LIBRARIES) {
                cases.add(Arguments.of(library, jdk));
            }
        }
        for (String older : LibraryVersions.LIBRARIES) {
            cases.add(Arguments.of(older, "default"));
        }
        return cases.stream();
    }

    static Stream<String> libraries() {
        return Stream.concat(LIBRARIES.stream(), LibraryVersions.LIBRARIES.stream());
    }

    private static JvmRunner app(Class<?> main, String library) {
        return LibraryVersions.on(JvmRunner.app(main), library);
    }

    private static JvmRunner load(String library, String jdk, boolean agent, String name) {
        Path home = Jdks.home(jdk);
        assumeTrue(home != null, "no JDK " + jdk + " on this machine (set -Dit.jdk25=<home> to run these cases)");
        return app(LoadApp.class, library).agent(agent).java(home).name(name + "-" + library + "-" + jdk)
                .args("library=" + library).timeout(Duration.ofMinutes(3));
    }

    /**
     * 1,000 per-request clients on 8 threads over HTTP and HTTPS: at most 8 + 4 connections per scheme,
     * fewer than 64 live threads at the end; without the agent a connection per request (and, for the JDK
     * client, thousands of threads).
     */
    @ParameterizedTest(name = "{0} on JDK {1}")
    @MethodSource("librariesOnJdks")
    void perRequestClientsShareConnectionsAndThreadsStayFlat(String library, String jdk) {
        CountingForwarder http = upstream.newCounter(false);
        CountingForwarder https = upstream.newCounter(true);
        String bases = Upstream.baseOf(http, false) + "," + Upstream.baseOf(https, true);
        upstream.reset();
        RunResult with = load(library, jdk, true, "reuse").args("modes=default", "bases=" + bases,
                "paths=/ok", "requests=1000", "threads=" + THREADS).run();
        AgentLog.assertPoolingOn(with);
        LibraryVersions.assertRanOn(with, library);
        String story = library + " on JDK " + jdk + ": " + http.accepted() + " http and " + https.accepted()
                + " https connections\n" + with.describe();
        for (RunResult.Summary s : with.summaries()) {
            assertEquals(1000, s.successes(), story);
            assertTrue(s.getInt("liveThreads") < 64, "live threads at the end: " + s.get("liveThreads") + "\n" + story);
        }
        assertEquals(2, with.summaries().size(), story);
        assertTrue(http.accepted() <= ALLOWED && https.accepted() <= ALLOWED, "at most " + ALLOWED + " connections per scheme\n" + story);

        upstream.reset();
        RunResult without = load(library, jdk, false, "reuse").args("modes=default", "bases=" + Upstream.baseOf(http, false),
                "paths=/ok", "requests=200", "threads=" + THREADS).run();
        assertEquals(200, without.summary().successes(), without.describe());
        assertTrue(http.accepted() >= 150, "control: without the agent about a connection per request, saw "
                + http.accepted() + "\n" + without.describe());
        System.out.printf("conformance %s JDK %s: with agent %s threads; without agent %s threads for 200 requests%n",
                library, jdk, with.summaries().get(0).get("liveThreads"), without.summary().get("liveThreads"));
    }

    /** Every status class, a redirect, a 100 KB body and a POST: the same outcomes with and without the agent. */
    @ParameterizedTest(name = "{0} on JDK {1}")
    @MethodSource("librariesOnJdks")
    void responsesAreIdenticalWithAndWithoutTheAgent(String library, String jdk) {
        String[] args = {"modes=default", "bases=" + upstream.http() + "," + upstream.https(),
                "paths=/ok,POST:/echo,/notfound,/error,/redirect,/empty,/big", "requests=70", "threads=4"};
        RunResult without = load(library, jdk, false, "identical").args(args).run();
        RunResult with = load(library, jdk, true, "identical").args(args).run();
        LibraryVersions.assertRanOn(with, library);
        for (String base : List.of(upstream.http(), upstream.https())) {
            RunResult.Summary a = without.summary("default", base);
            RunResult.Summary b = with.summary("default", base);
            assertEquals(70, a.successes(), without.describe());
            assertEquals(a.get("statuses"), b.get("statuses"), "statuses over " + base + "\n" + with.describe());
            assertEquals(a.get("digest"), b.get("digest"), "statuses and bodies over " + base + "\n" + with.describe());
        }
    }

    /**
     * Against a certificate for another name: the lenient client succeeds, the default one fails with an SSL
     * error, in both orders, with the agent as without it; the default client's requests never reach the server.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void aLenientClientNeverLendsAConnectionToAVerifyingOne(String library) {
        try (Upstream wrongName = Upstream.startWithWrongName()) {
            String base = wrongName.https();
            List<String> script = List.of("trustall /ok", "default /ok", "trustall /echo", "default /echo", "default /ok",
                    "trustall /ok", "trustall /ok", "default /echo");
            List<JvmRunner.Outcome> without = interactive(library, false, base, script);
            int servedWithout = wrongName.wireMock().getAllServeEvents().size();
            wrongName.wireMock().resetRequests();
            List<JvmRunner.Outcome> with = interactive(library, true, base, script);
            for (int i = 0; i < script.size(); i++) {
                boolean lenient = script.get(i).startsWith("trustall");
                JvmRunner.Outcome a = without.get(i);
                JvmRunner.Outcome b = with.get(i);
                assertEquals(lenient, a.ok, "premise without the agent: " + script.get(i) + " -> " + a);
                assertEquals(a.ok, b.ok, script.get(i) + ": without " + a + ", with " + b);
                if (!lenient) {
                    assertTrue(b.errorClass.contains("SSL") || b.errorClass.startsWith("javax.net.ssl"),
                            "a verifying client fails in the TLS handshake: " + b);
                }
            }
            assertEquals(servedWithout, wrongName.wireMock().getAllServeEvents().size(), "only lenient requests reach the server");
        }
    }

    private static List<JvmRunner.Outcome> interactive(String library, boolean agent, String base, List<String> script) {
        List<JvmRunner.Outcome> outcomes = new ArrayList<>();
        try (JvmRunner.Interactive app = app(InteractiveApp.class, library).agent(agent).name("conformance-" + library).start()) {
            for (String step : script) {
                String[] habitAndPath = step.split(" ");
                outcomes.add(app.send("LREQ " + library + " " + habitAndPath[0] + " GET " + base + habitAndPath[1]));
            }
            if (agent) {
                LibraryVersions.assertRanOn(app.stderr(), library, app.describe());
            }
        }
        return outcomes;
    }

    /** Client A logs in (a cookie set), client B's request carries no cookie; control: one client sends it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void aClientsCookieNeverReachesAnotherClient(String library) {
        String base = upstream.http();
        upstream.reset();
        try (JvmRunner.Interactive app = app(InteractiveApp.class, library).withAgent().name("cookies-" + library).start()) {
            JvmRunner.Outcome login = app.send("LREQ " + library + " cookies GET " + base + "/login");
            JvmRunner.Outcome other = app.send("LREQ " + library + " cookies GET " + base + "/echo");
            JvmRunner.Outcome same = app.send("LSEQ " + library + " cookies " + base + "/login " + base + "/echo");
            assertTrue(login.ok && other.ok && same.ok, app.describe());
            LibraryVersions.assertRanOn(app.stderr(), library, app.describe());
            assertTrue(other.body.contains("cookie= ") || other.body.endsWith("cookie="),
                    "another client's request carries no cookie: " + other.body);
            assertTrue(same.body.contains("session=s3cr3t-of-client-a"), "control: the same client does send it: " + same.body);
        }
    }

    /** A POST right after the upstream restarted on the same ports succeeds, as it does on a fresh client. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void aPostAfterTheUpstreamRestartedSucceeds(String library) throws Exception {
        String base = upstream.http();
        try (JvmRunner.Interactive app = app(InteractiveApp.class, library).withAgent().name("stale-" + library).start()) {
            for (int i = 0; i < 3; i++) {
                assertTrue(app.send("LREQ " + library + " default GET " + base + "/ok").ok, app.describe());
            }
            assertTrue(upstream.httpCounter().open() > 0, "a pooled connection is open before the restart");
            LibraryVersions.assertRanOn(app.stderr(), library, app.describe());
            upstream.restartAll();
            JvmRunner.Outcome post = app.send("LREQ " + library + " default POST " + base + "/echo after-restart");
            assertTrue(post.ok && post.status == 200 && post.body.contains("body=after-restart"),
                    "the POST after the restart: " + post + "\n" + app.describe());
        }
    }

    /** 64 threads build and drop clients ("closing": closed the library's way) while 8 make requests: no failure, few connections. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void aCloseStormNeverDisturbsTheSharedPool(String library) {
        CountingForwarder counter = upstream.newCounter(false);
        upstream.reset();
        RunResult r = load(library, "default", true, "storm").args("modes=closing", "bases=" + Upstream.baseOf(counter, false),
                "paths=/ok", "requests=600", "threads=" + THREADS, "storm=64").run();
        LibraryVersions.assertRanOn(r, library);
        RunResult.Summary s = r.summary();
        assertEquals(600, s.successes(), r.describe());
        assertEquals(0, s.getInt("stormFailures"), r.describe());
        assertTrue(s.getInt("stormClients") >= 64, r.describe());
        assertTrue(counter.accepted() <= ALLOWED, counter.accepted() + " connections\n" + r.describe());
    }

    /** HTTP_POOL_<LIBRARY>_ENABLED=false: that library gets a connection per request, Apache HttpClient 5 in the same JVM stays pooled. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"apache5-async", "jdk", "okhttp", "apache4"})
    void thePerLibraryToggleTurnsOnlyThatLibraryOff(String library) {
        CountingForwarder off = upstream.newCounter(false);
        CountingForwarder on = upstream.newCounter(false);
        upstream.reset();
        RunResult r = load(library, "default", true, "toggle")
                .env("HTTP_POOL_" + library.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_ENABLED", "false")
                .args("runs=" + library + ":default@" + Upstream.baseOf(off, false) + ",apache5:default@" + Upstream.baseOf(on, false),
                        "paths=/ok", "requests=100", "threads=4").run();
        AgentLog.assertPoolingOn(r);
        for (RunResult.Summary s : r.summaries()) {
            assertEquals(100, s.successes(), r.describe());
        }
        assertTrue(off.accepted() >= 90, library + " switched off: a connection per request, saw " + off.accepted() + "\n" + r.describe());
        assertTrue(on.accepted() <= 4 + 2, "apache5 still pooled: " + on.accepted() + "\n" + r.describe());
    }
}
