package io.httppool.it.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * The agent's standard-error contract: a start-up line containing {@code [http-pool-agent]} and
 * {@code pooling ON} (with the effective configuration), or {@code pooling OFF} when disabled; for a
 * bad value one line naming the variable, the value quoted ({@code 'abc'}) and {@code pooling OFF}.
 */
public final class AgentLog {

    public static final String TAG = "[http-pool-agent]";

    private AgentLog() {
    }

    public static List<String> lines(String stderr, String... fragments) {
        List<String> out = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            boolean all = true;
            for (String f : fragments) {
                all &= line.contains(f);
            }
            if (all) {
                out.add(line);
            }
        }
        return out;
    }

    /**
     * Waits (up to {@code wait}) for a line of the growing {@code stderr} that contains every fragment;
     * returns the lines found (empty when none came in time).
     */
    public static List<String> await(java.util.function.Supplier<String> stderr, java.time.Duration wait, String... fragments) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<String> found = lines(stderr.get(), fragments);
            if (!found.isEmpty() || System.nanoTime() >= deadline) {
                return found;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return found;
            }
        }
    }

    public static void assertPoolingOn(String stderr, String context) {
        if (lines(stderr, TAG, "pooling ON").isEmpty()) {
            throw new AssertionError("expected a start-up line with '" + TAG + "' and 'pooling ON' on stderr\n" + context);
        }
        if (!lines(stderr, TAG, "pooling OFF").isEmpty()) {
            throw new AssertionError("pooling ON expected, but the agent also said 'pooling OFF'\n" + context);
        }
    }

    public static void assertPoolingOff(String stderr, String context) {
        if (lines(stderr, TAG, "pooling OFF").isEmpty()) {
            throw new AssertionError("expected a line with '" + TAG + "' and 'pooling OFF' on stderr\n" + context);
        }
        if (!lines(stderr, TAG, "pooling ON").isEmpty()) {
            throw new AssertionError("pooling OFF expected, but the agent also said 'pooling ON'\n" + context);
        }
    }

    public static void assertPoolingOn(RunResult r) {
        assertPoolingOn(r.stderr, r.describe());
    }

    public static void assertPoolingOff(RunResult r) {
        assertPoolingOff(r.stderr, r.describe());
    }
}
