package io.httppool.agent.health;

import java.math.BigDecimal;
import java.time.Duration;

/** Durations the way the settings are written: seconds, e.g. "60s" or "0.25s". */
final class Durations {

    private Durations() {
    }

    static String describe(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
    }
}
