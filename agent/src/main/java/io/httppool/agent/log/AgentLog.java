package io.httppool.agent.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's log: one logger, named so operators can grep for it, writing to standard error through
 * the agent's own relocated SLF4J, so the application's logging setup is neither used nor disturbed.
 */
public final class AgentLog {

    public static final String NAME = "[http-pool-agent]";

    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();
    private static volatile Logger logger;

    private AgentLog() {
    }

    /**
     * Sets the level before the first log line. The property names below are relocated together with
     * SLF4J when the agent jar is shaded, so they configure only the agent's copy of slf4j-simple.
     */
    public static void configure(String level) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "true");
        logger = null;
    }

    public static Logger log() {
        Logger current = logger;
        if (current == null) {
            current = LoggerFactory.getLogger(NAME);
            logger = current;
        }
        return current;
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
            log().info(message);
        }
    }
}
