package io.httppool.agent.log;

/**
 * The text of one log line, {@code 2026-11-23T23:24:11.196Z INFO [http-pool-agent] - message}: shared by the
 * SLF4J logger and by {@link AgentLog#info(String)}, which writes the lines of start-up and of the first call
 * without loading the SLF4J API.
 * The timestamp is formatted here too, not in a class of its own: the first line is printed in premain, where
 * each class loaded costs the application's start ~0.3 ms.
 */
final class LogLine {

    private LogLine() {
    }

    static StringBuilder of(long epochMillis, String level, String message) {
        StringBuilder line = new StringBuilder(160);
        appendTimestamp(line, epochMillis);
        return line.append(' ').append(level).append(' ').append(AgentLog.NAME).append(" - ").append(message);
    }

    /**
     * Epoch milliseconds as {@code 2026-11-23T23:24:11.196Z}, without {@code java.time}'s formatter machinery,
     * whose first use loads dozens of classes.
     */
    static void appendTimestamp(StringBuilder out, long epochMillis) {
        long days = Math.floorDiv(epochMillis, 86_400_000L);
        int millisOfDay = (int) Math.floorMod(epochMillis, 86_400_000L);
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm, proleptic Gregorian calendar).
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthIndex = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
        int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

        out.append(year).append('-');
        two(out, month).append('-');
        two(out, day).append('T');
        two(out, millisOfDay / 3_600_000).append(':');
        two(out, millisOfDay / 60_000 % 60).append(':');
        two(out, millisOfDay / 1_000 % 60).append('.');
        int millis = millisOfDay % 1_000;
        if (millis < 100) {
            out.append('0');
        }
        two(out, millis).append('Z');
    }

    private static StringBuilder two(StringBuilder out, int value) {
        if (value < 10) {
            out.append('0');
        }
        return out.append(value);
    }
}
