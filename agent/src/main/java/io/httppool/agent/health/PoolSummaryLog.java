package io.httppool.agent.health;

import io.httppool.agent.log.AgentLog;
import io.httppool.agent.metrics.MetricsSnapshot;
import io.httppool.agent.metrics.PoolSnapshot;
import io.httppool.agent.pool.HealthState;
import io.httppool.agent.pool.ManagedPool;
import io.httppool.agent.pool.PoolStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Logs one INFO line per pool after a health check, but only when the line differs from the last one
 * logged for that pool: a quiet pool stays quiet in the log, a busy or troubled one is visible.
 */
public final class PoolSummaryLog implements CheckListener {

    private final Map<String, String> lastLogged = new HashMap<>();

    @Override
    public void checked(List<ManagedPool> pools, MetricsSnapshot snapshot) {
        for (String line : changedLines(snapshot)) {
            AgentLog.log().info("{}", line);
        }
    }

    /** The lines to log for {@code snapshot}: pools whose summary changed, and pools no longer reported. */
    synchronized List<String> changedLines(MetricsSnapshot snapshot) {
        List<String> lines = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (PoolSnapshot pool : snapshot.pools()) {
            seen.add(pool.name());
            String line = summary(pool);
            if (!line.equals(lastLogged.put(pool.name(), line))) {
                lines.add(line);
            }
        }
        for (Iterator<String> names = lastLogged.keySet().iterator(); names.hasNext(); ) {
            String name = names.next();
            if (!seen.contains(name)) {
                lines.add("Pool " + name + " is no longer reported: it was unregistered or garbage-collected");
                names.remove();
            }
        }
        return lines;
    }

    /** e.g. {@code Pool apache5/default: HEALTHY, leased/available/pending/max 3/2/0/100, created 12, recreations 0, leaks 0}. */
    static String summary(PoolSnapshot pool) {
        StringBuilder line = new StringBuilder(160);
        line.append("Pool ").append(pool.name()).append(": ").append(pool.health().stateName());
        if (pool.health().state() != HealthState.HEALTHY) {
            line.append(" (").append(pool.health().reason()).append(')');
        }
        line.append(", leased/available/pending/max ")
                .append(PoolStats.show(pool.stats().leased())).append('/')
                .append(PoolStats.show(pool.stats().available())).append('/')
                .append(PoolStats.show(pool.stats().pending())).append('/')
                .append(PoolStats.show(pool.stats().max()))
                .append(", created ").append(pool.counters().connectionsCreated())
                .append(", recreations ").append(pool.counters().recreations())
                .append(", leaks ").append(pool.counters().leaks());
        return line.toString();
    }
}
