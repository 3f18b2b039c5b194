package io.httppool.agent.health;

import io.httppool.agent.config.AgentConfig;
import java.time.Duration;

/** Durations the way the settings are written: seconds, e.g. "60s" or "0.25s". */
final class Durations {

    private Durations() {
    }

    /** Not through BigDecimal: on JDK 25 its first use builds tables through a fork-join task (~30 ms of CPU). */
    static String describe(Duration duration) {
        return AgentConfig.seconds(duration);
    }
}
