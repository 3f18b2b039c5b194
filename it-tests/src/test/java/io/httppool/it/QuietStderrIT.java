package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.Jdks;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.UpstreamTest;

/**
 * Issue 9: the agent prints nothing but its own tagged lines, on JDK 17 and 25, for every library: what
 * remains of the application's stderr once the agent's lines are taken out is exactly what the same run
 * prints without the agent (no SLF4J notice, no JVM warning about Unsafe or dynamic loading).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class QuietStderrIT extends UpstreamTest {

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String jdk : Jdks.names()) {
            for (String library : List.of("apache5", "jdk", "okhttp", "apache4")) {
                cases.add(Arguments.of(library, jdk));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} on JDK {1}")
    @MethodSource("cases")
    void nothingButTheAgentsOwnLinesIsAdded(String library, String jdk) {
        Path home = Jdks.home(jdk);
        assumeTrue(home != null, "no JDK " + jdk + " on this machine");
        String[] args = {"library=" + library, "modes=default", "bases=" + upstream.http() + "," + upstream.https(),
                "paths=/ok", "requests=40", "threads=4"};
        RunResult without = JvmRunner.app(LoadApp.class).java(home).name("quiet-" + library).args(args).run();
        RunResult with = JvmRunner.app(LoadApp.class).withAgent().java(home).name("quiet-" + library)
                .env("HTTP_POOL_STATUS_PORT", "0").args(args).run();
        AgentLog.assertPoolingOn(with);
        assertFalse(AgentLog.lines(with.stderr, AgentLog.TAG, "Pooling ").isEmpty(), "the library line\n" + with.describe());
        assertEquals(nonAgentLines(without.stderr), nonAgentLines(with.stderr),
                "stderr without the agent's tagged lines must be what the run without the agent printed\n" + with.describe());
    }

    private static List<String> nonAgentLines(String stderr) {
        List<String> lines = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            if (!line.isBlank() && !line.contains(AgentLog.TAG)) {
                lines.add(line);
            }
        }
        return lines;
    }
}
