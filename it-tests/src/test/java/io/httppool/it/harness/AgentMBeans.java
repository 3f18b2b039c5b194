package io.httppool.it.harness;

/**
 * The agent's JMX names (README, "JMX"), as read inside a child JVM with InteractiveApp's
 * {@code JMX <object name> <attribute>} command.
 */
public final class AgentMBeans {

    public static final String AGENT = "io.httppool.agent:type=Agent";

    private AgentMBeans() {
    }

    /** {@code io.httppool.agent:type=Pool,name="<pool>"}: the pool name quoted. */
    public static String pool(String pool) {
        return "io.httppool.agent:type=Pool,name=\"" + pool + "\"";
    }
}
