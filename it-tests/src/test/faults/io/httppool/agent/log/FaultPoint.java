package io.httppool.agent.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * TEST ONLY: the fault-injecting stand-in for the agent's empty {@code io.httppool.agent.log.FaultPoint}.
 * It is not compiled by Maven: the it-tests harness ({@code FaultyAgent}) compiles it against the agent
 * jar under test and writes a copy of that jar with this one class replaced. The shipped jar never holds
 * it (AgentJarIT checks the shipped class is an empty method).
 *
 * <p>System properties of the JVM under test:
 * <ul>
 *   <li>{@code http.pool.test.faults}: comma-separated place names to throw at, {@code all} for every
 *       place, {@code -name} to leave one out of {@code all}; empty or absent: never throw (a control);</li>
 *   <li>{@code http.pool.test.fault.kind}: {@code runtime} (default, an IllegalStateException) or
 *       {@code error} (a LinkageError);</li>
 *   <li>{@code http.pool.test.fault.report}: a file written at JVM exit: {@code reached <place> <n>},
 *       {@code thrown <place> <n>}, and {@code suppressed <n>} (the agent's
 *       http_pool_agent_suppressed_errors_total).</li>
 * </ul>
 */
public final class FaultPoint {

    public static final String MESSAGE = "http-pool-agent injected fault in ";

    private static final boolean ALL;
    private static final Set<String> ON = ConcurrentHashMap.newKeySet();
    private static final Set<String> EXCEPT = ConcurrentHashMap.newKeySet();
    private static final boolean ERROR = "error".equals(System.getProperty("http.pool.test.fault.kind"));
    private static final Map<String, LongAdder> REACHED = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> THROWN = new ConcurrentHashMap<>();

    static {
        boolean all = false;
        for (String name : System.getProperty("http.pool.test.faults", "").split(",")) {
            String place = name.trim();
            if (place.equals("all")) {
                all = true;
            } else if (place.startsWith("-")) {
                EXCEPT.add(place.substring(1));
            } else if (!place.isEmpty()) {
                ON.add(place);
            }
        }
        ALL = all;
        String report = System.getProperty("http.pool.test.fault.report");
        if (report != null) {
            Thread writer = new Thread(() -> report(Path.of(report)), "http-pool-agent-fault-report");
            Runtime.getRuntime().addShutdownHook(writer);
        }
    }

    private FaultPoint() {
    }

    /** Set when the report starts: agent threads still running at exit (the leak watchdog every 200 ms) throw no more. */
    private static volatile boolean reporting;

    public static void reached(String place) {
        REACHED.computeIfAbsent(place, p -> new LongAdder()).increment();
        if (!reporting && (ALL ? !EXCEPT.contains(place) : ON.contains(place))) {
            THROWN.computeIfAbsent(place, p -> new LongAdder()).increment();
            if (ERROR) {
                throw new LinkageError(MESSAGE + place);
            }
            throw new IllegalStateException(MESSAGE + place);
        }
    }

    private static Map<String, Long> thrownNow() {
        Map<String, Long> thrown = new TreeMap<>();
        THROWN.forEach((place, count) -> thrown.put(place, count.sum()));
        return thrown;
    }

    private static long total(Map<String, Long> counts) {
        long total = 0;
        for (long count : counts.values()) {
            total += count;
        }
        return total;
    }

    /**
     * At exit: what was reached and thrown, and the agent's count of errors it suppressed, read together. Throwing
     * stops first; then the throws already made must all be counted: a thread may be between a throw and its catch
     * (up to 3 s: on a loaded machine a runnable thread waited more than 0.5 s), and one that passed the check just
     * before throwing stopped is caught by reading both counts again until they agree. The thrown counts written are
     * the ones compared: reading them again after the wait let the leak watchdog (every 200 ms) throw in between
     * (report "thrown leakWatchdog 8", "suppressed 7", twice in CI).
     */
    private static void report(Path file) {
        reporting = true;
        Map<String, Long> thrown = thrownNow();
        long suppressed = AgentErrors.suppressedCount();
        for (int i = 0; i < 300 && suppressed != total(thrown); i++) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                break;
            }
            thrown = thrownNow();
            suppressed = AgentErrors.suppressedCount();
        }
        List<String> lines = new ArrayList<>();
        new TreeMap<>(REACHED).forEach((place, n) -> lines.add("reached " + place + " " + n.sum()));
        thrown.forEach((place, n) -> lines.add("thrown " + place + " " + n));
        lines.add("suppressed " + suppressed);
        try {
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the test then fails for want of a report
        }
    }
}
