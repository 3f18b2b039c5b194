package io.httppool.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How durations read in the start-up line: seconds, no trailing zeros. */
class SecondsFormatTest {

    @Test
    void wholeAndFractionalSecondsKeepTheirDigitsOnly() {
        assertEquals("0s", AgentConfig.seconds(Duration.ZERO));
        assertEquals("30s", AgentConfig.seconds(Duration.ofSeconds(30)));
        assertEquals("0.25s", AgentConfig.seconds(Duration.ofMillis(250)));
        assertEquals("1.5s", AgentConfig.seconds(Duration.ofMillis(1500)));
        assertEquals("0.001s", AgentConfig.seconds(Duration.ofMillis(1)));
        assertEquals("2.05s", AgentConfig.seconds(Duration.ofMillis(2050)));
        assertEquals("300s", AgentConfig.seconds(Duration.ofMinutes(5)));
    }
}
