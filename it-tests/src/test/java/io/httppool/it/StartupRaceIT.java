package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.UpstreamTest;

/**
 * Issue 9: a race-free start. 50 JVMs start with the agent while other processes keep both CPUs busy; each
 * must print every line the agent promises (pooling ON, the library line, the status server line when asked
 * for), in that order of events and none twice, and serve its requests. Application threads never wait for
 * an agent thread at start-up (see HookTransformer's locking rule), so no start may hang or lose a line.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class StartupRaceIT extends UpstreamTest {

    static final int JVMS = 50;
    static final int AT_ONCE = 4;

    @Test
    void fiftyJvmsStartingUnderCpuLoadEachPrintEveryLineAndServe() throws Exception {
        List<Process> burners = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            burners.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start()); // the other busy processes
        }
        ExecutorService starts = Executors.newFixedThreadPool(AT_ONCE);
        try {
            List<Future<RunResult>> runs = new ArrayList<>();
            for (int i = 0; i < JVMS; i++) {
                boolean statusServer = i % 2 == 0;
                JvmRunner runner = JvmRunner.app(LoadApp.class).withAgent().name("startup-race-" + i)
                        .args("modes=default", "bases=" + upstream.http(), "paths=/ok", "requests=20", "threads=2")
                        .timeout(Duration.ofMinutes(2));
                if (statusServer) {
                    runner.env("HTTP_POOL_STATUS_PORT", "0");
                }
                runs.add(starts.submit(runner::run));
            }
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < JVMS; i++) {
                RunResult r = runs.get(i).get(3, TimeUnit.MINUTES);
                String which = "JVM " + i + " (" + r.elapsedMs + " ms): ";
                if (r.exitCode != 0 || r.summaries().size() != 1 || r.summary().successes() != 20) {
                    problems.add(which + "did not serve its 20 requests\n" + r.describe());
                    continue;
                }
                expectOnce(problems, which, r, "pooling ON");
                expectOnce(problems, which, r, "Pooling Apache HttpClient 5 (classic)");
                expectOnce(problems, which, r, "Created managed pool apache5/default");
                if (i % 2 == 0) {
                    expectOnce(problems, which, r, "Status server listening on http://127.0.0.1:");
                }
                for (String line : r.stderr.split("\n")) {
                    if (!line.isBlank() && !line.contains(AgentLog.TAG) && !line.startsWith("SLF4J(W)")) {
                        problems.add(which + "a line on stderr that is not the agent's: " + line);
                    }
                }
            }
            assertEquals(List.of(), problems, "every start printed its lines and served");
        } finally {
            starts.shutdownNow();
            for (Process burner : burners) {
                burner.destroyForcibly();
            }
        }
    }

    private static void expectOnce(List<String> problems, String which, RunResult r, String fragment) {
        int count = AgentLog.lines(r.stderr, AgentLog.TAG, fragment).size();
        if (count != 1) {
            problems.add(which + count + " lines with '" + fragment + "' (expected exactly one)\n" + r.describe());
        }
    }

    @Test
    void theControlSeesALineThatIsMissing() {
        // The check above can fail: a JVM without the agent has none of the lines.
        RunResult r = JvmRunner.app(LoadApp.class).name("startup-race-control")
                .args("modes=default", "bases=" + upstream.http(), "paths=/ok", "requests=5", "threads=1").run();
        List<String> problems = new ArrayList<>();
        expectOnce(problems, "control: ", r, "pooling ON");
        assertTrue(!problems.isEmpty(), "without the agent the line is missing, so the check bites");
    }
}
