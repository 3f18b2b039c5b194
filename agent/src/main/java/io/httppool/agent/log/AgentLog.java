package io.httppool.agent.log;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * The agent's log: one logger, named so operators can grep for it ({@value #NAME}), writing to standard
 * error. Lines look like {@code 2026-11-23T23:24:11.196Z INFO [http-pool-agent] - message}.
 *
 * <p>The logger exists from the first call on, on whatever thread makes it; there is no initialisation
 * phase that other threads could race with, so no line is ever queued, dropped or reordered.
 */
public final class AgentLog {

    public static final String NAME = "[http-pool-agent]";

    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

    /** The level and stream set last, read together; the logger over them is made on first use. */
    private static final class Sink {
        final String level;
        final PrintStream out;
        volatile Logger logger;

        Sink(String level, PrintStream out) {
            this.level = level;
            this.out = out;
        }
    }

    private static volatile Sink sink = new Sink("info", System.err);

    private AgentLog() {
    }

    /** Sets the level: {@code off}, {@code error}, {@code warn}, {@code info}, {@code debug} or {@code trace}. */
    public static void configure(String level) {
        sink = new Sink(level, System.err);
    }

    /** For tests: the same logger writing to {@code out}. */
    static void configure(String level, PrintStream out) {
        sink = new Sink(level, out);
    }

    public static Logger log() {
        Sink current = sink;
        Logger logger = current.logger;
        if (logger == null) {
            // Two threads may each make one; both write the same lines to the same stream.
            logger = StderrLogger.create(parse(current.level), current.out);
            current.logger = logger;
        }
        return logger;
    }

    /**
     * Writes an INFO line as {@link #log()} would, without the SLF4J API: for the lines every JVM's start and an
     * application's first call print (premain's "pooling ON", "Pooling ...", "Created managed pool ..."), so that
     * the 8 classes of the API and its formatter load only when something else is logged (~0.3 ms each that
     * early). Same stream, one {@code println} per line: order with the logger's lines holds.
     */
    public static void info(String message) {
        Sink current = sink;
        if (infoEnabled(current.level)) {
            current.out.println(LogLine.of(System.currentTimeMillis(), "INFO", message));
        }
    }

    /** Whether DEBUG lines are written: callers test this before {@code log().debug(...)}, which loads the API. */
    public static boolean debugEnabled() {
        String name = levelName(sink.level);
        return name.equals("debug") || name.equals("trace");
    }

    /** Whether {@link #parse} of {@code level} lets INFO through, without loading SLF4J's {@code Level}. */
    static boolean infoEnabled(String level) {
        String name = levelName(level);
        return !name.equals("off") && !name.equals("error") && !name.equals("warn");
    }

    /** The level's name as the checks here compare it: lower case, trimmed, "info" when unset. */
    private static String levelName(String level) {
        return level == null ? "info" : level.trim().toLowerCase(Locale.ROOT);
    }

    /** Logs at WARN the first time {@code key} is seen; later calls with the same key are silent. */
    public static void warnOnce(String key, String message, Throwable error) {
        if (ONCE.add(key)) {
            if (error != null) {
                log().warn(message, error);
            } else {
                log().warn(message);
            }
        }
    }

    /** Logs at INFO the first time {@code key} is seen. */
    public static void infoOnce(String key, String message) {
        if (ONCE.add(key)) {
            info(message);
        }
    }

    /** The threshold for a level name; null (nothing logged) for {@code off}. */
    private static Level parse(String level) {
        String name = levelName(level).toUpperCase(Locale.ROOT);
        if ("OFF".equals(name)) {
            return null;
        }
        try {
            return Level.valueOf(name);
        } catch (IllegalArgumentException unknown) {
            return Level.INFO;
        }
    }
}
