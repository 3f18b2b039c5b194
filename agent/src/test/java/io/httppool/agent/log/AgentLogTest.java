package io.httppool.agent.log;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** premain's start line, written without the SLF4J API, is a line like every other and obeys the level. */
class AgentLogTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @AfterEach
    void restore() {
        AgentLog.configure("info");
    }

    @Test
    void aLineWrittenWithoutTheApiLooksLikeTheLoggersLinesAndKeepsTheirOrder() {
        AgentLog.configure("info", stream());
        AgentLog.log().info("first {}", 1);
        AgentLog.info("second 2");
        AgentLog.log().info("third");
        String[] lines = text().split(System.lineSeparator());
        assertEquals(3, lines.length, text());
        String shape = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO \\[http-pool-agent\\] - ";
        assertTrue(lines[0].matches(shape + "first 1"), lines[0]);
        assertTrue(lines[1].matches(shape + "second 2"), lines[1]);
        assertTrue(lines[2].matches(shape + "third"), lines[2]);
    }

    @Test
    void aLineWrittenWithoutTheApiObeysTheLevelAsTheLoggersInfoDoes() {
        for (String level : new String[] {"off", "error", "warn", "WARN "}) {
            AgentLog.configure(level, stream());
            AgentLog.info("hidden");
            AgentLog.log().info("hidden too");
            assertEquals("", text(), level);
        }
        for (String level : new String[] {"info", "debug", "trace", "Info"}) {
            bytes.reset();
            AgentLog.configure(level, stream());
            AgentLog.info("shown");
            AgentLog.log().info("shown too");
            assertEquals(2, text().split(System.lineSeparator()).length, level + ": " + text());
        }
    }

    @Test
    void debugIsEnabledExactlyWhenTheLoggerSaysSo() {
        for (String level : new String[] {null, "off", "error", "warn", "info", "debug", "trace", " DEBUG ", "Trace", "verbose"}) {
            AgentLog.configure(level, stream());
            assertEquals(AgentLog.log().isDebugEnabled(), AgentLog.debugEnabled(), level);
        }
    }

    private PrintStream stream() {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
