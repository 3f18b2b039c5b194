package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.it.apps.OwnLibrariesApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 2, point 1: an application with its own, different Byte Buddy (1.14) and SLF4J (2.0 with a provider,
 * or 1.7 with its static binder) works unchanged under the agent, which bundles both relocated, and is still
 * pooled. The same app without the agent is the baseline: it works the same way (so what is checked under the
 * agent is the app's normal behaviour) and opens one connection per request, so the reuse figure with the
 * agent means something.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OwnLibrariesIT extends UpstreamTest {

    static final int REQUESTS = 400;
    static final int THREADS = 8;


    private static String ownLibraries(String slf4j) throws IOException {
        Path dir = "1.7".equals(slf4j)
                ? Path.of(System.getProperty("it.app.own.libs.slf4j17", "target/app-own-libs-slf4j17"))
                : Path.of(System.getProperty("it.app.own.libs", "target/app-own-libs"));
        try (Stream<Path> jars = Files.list(dir)) {
            return jars.map(Path::toString).sorted().collect(Collectors.joining(File.pathSeparator));
        }
    }

    private static RunResult run(boolean agent, String slf4j) throws IOException {
        return JvmRunner.app(OwnLibrariesApp.class).agent(agent).name("own-libraries-slf4j" + slf4j)
                .classPathFirst(ownLibraries(slf4j))
                .args(upstream.http(), String.valueOf(REQUESTS), String.valueOf(THREADS))
                .run();
    }

    /** What the app itself prints and logs, the same with and without the agent. */
    private static void assertAppUsedItsOwnLibraries(RunResult r, String slf4j) {
        assertEquals(0, r.exitCode, r.describe());
        assertTrue(r.stdout.contains("BYTEBUDDY byte-buddy-1.14.18.jar generated-by-app"), "the app's own Byte Buddy must be the one it uses\n" + r.describe());
        String factory = "1.7".equals(slf4j) ? "org.slf4j.impl.SimpleLoggerFactory" : "org.slf4j.simple.SimpleLoggerFactory";
        assertTrue(r.stdout.contains("SLF4J " + factory), "the app's own SLF4J " + slf4j + " binding must be found ("
                + factory + ", not the agent's relocated logger)\n" + r.describe());
        assertTrue(r.stderr.contains("application logging through its own SLF4J"), r.describe());
        assertTrue(r.stdout.contains("RESULT ok=" + REQUESTS + " failed=0"), r.describe());
    }

    @ParameterizedTest(name = "Byte Buddy 1.14.18, SLF4J {0}")
    @ValueSource(strings = {"2.0.16", "1.7"})
    void anApplicationWithItsOwnByteBuddyAndSlf4jWorksAndIsPooled(String slf4j) throws IOException {
        upstream.reset();
        RunResult without = run(false, slf4j);
        int connectionsWithout = upstream.httpCounter().accepted();
        upstream.reset();
        RunResult with = run(true, slf4j);
        int connectionsWith = upstream.httpCounter().accepted();
        String report = REQUESTS + " requests on " + THREADS + " threads: " + connectionsWithout + " connections without the agent, "
                + connectionsWith + " with it";
        System.out.println("own libraries (SLF4J " + slf4j + "): " + report);

        assertAppUsedItsOwnLibraries(without, slf4j);
        assertEquals(List.of(), AgentLog.lines(without.stderr, AgentLog.TAG), "no agent in the baseline run\n" + without.describe());
        assertEquals(REQUESTS, connectionsWithout, "baseline: without the agent a connection per request\n" + report
                + "\n" + without.describe());

        assertAppUsedItsOwnLibraries(with, slf4j);
        AgentLog.assertPoolingOn(with);
        assertTrue(connectionsWith <= THREADS + 5, "pooled: " + report + "\n" + with.describe());
    }
}
