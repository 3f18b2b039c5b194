package io.httppool.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogLineTest {

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'X'").withZone(ZoneOffset.UTC);

    private static String expected(long epochMillis) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis)).replace('X', 'Z');
    }

    private static String formatted(long epochMillis) {
        StringBuilder out = new StringBuilder();
        LogLine.appendTimestamp(out, epochMillis);
        return out.toString();
    }

    @Test
    void theTimestampIsTheCalendarDateAndTimeInUtcToTheMillisecond() {
        long[] edges = {0L, -1L, 86_399_999L, 951_782_400_000L /* 2000-02-29 */, 4_107_542_399_999L /* 2100-02-28 end */,
            1_709_164_800_000L /* 2024-02-29 */, 1_798_761_599_999L /* 2026-12-31 end */, -2_208_988_800_000L /* 1900 */};
        for (long edge : edges) {
            assertEquals(expected(edge), formatted(edge), "epoch millis " + edge);
        }
        SplittableRandom random = new SplittableRandom(20261129L);
        for (int i = 0; i < 20_000; i++) {
            long millis = random.nextLong(-2_208_988_800_000L, 7_258_118_400_000L); // 1900 to 2200
            assertEquals(expected(millis), formatted(millis), "epoch millis " + millis);
        }
    }

    @Test
    void aLineIsTimestampLevelAgentNameAndMessage() {
        assertEquals("2026-11-29T11:02:03.004Z WARN [http-pool-agent] - pool full",
                LogLine.of(1_795_950_123_004L, "WARN", "pool full").toString());
    }
}
