package io.httppool.it.harness;

/**
 * The agent's JMX names (README, "JMX"), as read inside a child JVM with InteractiveApp's
 * {@code JMX <object name> <attribute>} command.
 */
public final class AgentMBeans {

    public static final String AGENT = "io.httppool.agent:type=Agent";

    private AgentMBeans() {
    }

    /**
     * Reads one attribute, waiting up to {@code wait} for the MBean to appear: the agent registers a pool's
     * MBean on its health thread within about a second of the pool's creation (README, "JMX"), so a test
     * that asks right after the first requests may be early. Returns null if it never appears.
     */
    public static String await(JvmRunner.Interactive app, String mbean, String attribute, java.time.Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            JvmRunner.Outcome outcome = app.send("JMX " + mbean + " " + attribute);
            if ((outcome.ok && outcome.body != null) || System.nanoTime() >= deadline) {
                return outcome.body;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return outcome.body;
            }
        }
    }

    /** {@code io.httppool.agent:type=Pool,name="<pool>"}: the pool name quoted. */
    public static String pool(String pool) {
        return "io.httppool.agent:type=Pool,name=\"" + pool + "\"";
    }
}
