package io.httppool.agent.jmx;

import java.util.Map;

/** The agent itself over JMX: {@code io.httppool.agent:type=Agent}. */
public interface AgentMXBean {

    String getVersion();

    boolean isPoolingEnabled();

    /** Every setting by its environment variable name, with the value in force. */
    Map<String, String> getConfiguration();

    /** Internal errors the agent caught and survived (the application ran its own code path). */
    long getSuppressedErrors();

    /** UP unless a pool's last health check found it UNHEALTHY; the same verdict as GET /health. */
    String getStatus();
}
