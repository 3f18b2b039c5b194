package io.httppool.agent.jmx;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.metrics.MetricsSnapshot;
import java.util.Map;
import java.util.function.Supplier;

/** The {@link AgentMXBean}: settings fixed at start-up, status read live. */
public final class AgentView implements AgentMXBean {

    private final AgentConfig config;
    private final Supplier<MetricsSnapshot> figures;

    public AgentView(AgentConfig config, Supplier<MetricsSnapshot> figures) {
        this.config = config;
        this.figures = figures;
    }

    /** The version in the agent jar's manifest; "dev" when run from classes (tests, IDE). */
    public static String agentVersion() {
        String version = AgentView.class.getPackage().getImplementationVersion();
        return version != null ? version : "dev";
    }

    @Override
    public String getVersion() {
        return agentVersion();
    }

    @Override
    public boolean isPoolingEnabled() {
        return config.poolEnabled();
    }

    @Override
    public Map<String, String> getConfiguration() {
        return config.asMap();
    }

    @Override
    public long getSuppressedErrors() {
        return AgentErrors.suppressedCount();
    }

    @Override
    public String getStatus() {
        return figures.get().up() ? "UP" : "DOWN";
    }
}
