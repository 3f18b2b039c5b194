package io.httppool.agent.log;

/**
 * The text of one log line, {@code 2026-11-23T23:24:11.196Z INFO [http-pool-agent] - message}: shared by the
 * SLF4J logger and by {@link AgentLog#startLine}, which writes premain's line without loading the SLF4J API.
 */
final class LogLine {

    private LogLine() {
    }

    static StringBuilder of(long epochMillis, String level, String message) {
        StringBuilder line = new StringBuilder(160);
        UtcTimestamp.append(line, epochMillis);
        return line.append(' ').append(level).append(' ').append(AgentLog.NAME).append(" - ").append(message);
    }
}
