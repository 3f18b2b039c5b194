package io.httppool.agent.config;

import java.util.Locale;

/**
 * How the text of one setting becomes a value, and what text is accepted.
 * Each type rejects anything it would otherwise have to guess at: no trimming of units,
 * no clamping of out-of-range numbers.
 *
 * <p>One class with a kind, not a subclass per kind: the settings are read in premain of every JVM the
 * agent is on, and each class loaded there is start-up time (five anonymous subclasses were ~1.5 ms).
 */
final class SettingType<T> {

    private static final int BOOL = 0;
    private static final int INTEGER = 1;
    private static final int SECONDS = 2;
    private static final int ONE_OF = 3;
    private static final int HOST = 4;

    private final int kind;
    /** INTEGER: the bounds; SECONDS: the bounds in milliseconds. */
    private final long min;
    private final long max;
    /** ONE_OF: the accepted values. */
    private final String[] choices;

    private SettingType(int kind, long min, long max, String[] choices) {
        this.kind = kind;
        this.min = min;
        this.max = max;
        this.choices = choices;
    }

    /** Parses the raw text or throws {@link IllegalArgumentException} with the accepted form as message. */
    @SuppressWarnings("unchecked")
    T parse(String raw) {
        switch (kind) {
            case BOOL:
                return (T) parseBool(raw);
            case INTEGER:
                return (T) parseInteger(raw);
            case SECONDS:
                return (T) parseSeconds(raw);
            case ONE_OF:
                return (T) parseChoice(raw);
            default:
                return (T) parseHost(raw);
        }
    }

    /** A parsed value as the start line and /health show it: seconds as {@code 0.25s}, anything else as is. */
    String show(Object value) {
        return kind == SECONDS && value != null ? AgentConfig.seconds((long) (Long) value) : String.valueOf(value);
    }

    /** What a valid value looks like, for error messages and the README. */
    String accepted() {
        switch (kind) {
            case BOOL:
                return "true or false (also yes/no, on/off, 1/0)";
            case INTEGER:
                return "a whole number from " + min + " to " + max;
            case SECONDS:
                return "seconds from " + plain(min) + " to " + plain(max) + " (fractions allowed, e.g. 2.5)";
            case ONE_OF:
                return "one of " + String.join(", ", choices);
            default:
                return "a host name or IP address to bind to, e.g. 127.0.0.1";
        }
    }

    static SettingType<Boolean> bool() {
        return new SettingType<>(BOOL, 0, 0, null);
    }

    static SettingType<Integer> integer(int min, int max) {
        return new SettingType<>(INTEGER, min, max, null);
    }

    /**
     * Seconds, fractional allowed ("0.25"), kept exactly as whole milliseconds (a {@code Long}; {@link AgentConfig}
     * hands them out as {@code Duration}s). Not a {@code Duration} here: this runs in premain, where that class's
     * initialiser makes BigIntegers. Parsed with long arithmetic, not BigDecimal: on JDK 25 the first BigDecimal
     * made from a double cost ~30 ms of start-up (its BigInteger tables are built through a fork-join task).
     */
    static SettingType<Long> seconds(double minSeconds, double maxSeconds) {
        return new SettingType<>(SECONDS, Math.round(minSeconds * 1000), Math.round(maxSeconds * 1000), null);
    }

    static SettingType<String> oneOf(String... choices) {
        return new SettingType<>(ONE_OF, 0, 0, choices.clone());
    }

    /** A host name or IP literal to bind to: letters, digits, dots, dashes and colons only. */
    static SettingType<String> host() {
        return new SettingType<>(HOST, 0, 0, null);
    }

    private Boolean parseBool(String raw) {
        switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1":
                return Boolean.TRUE;
            case "false": case "no": case "off": case "0":
                return Boolean.FALSE;
            default:
                throw new IllegalArgumentException(accepted());
        }
    }

    private Integer parseInteger(String raw) {
        long value = wholeNumberOf(raw.trim());
        if (value == NOT_A_NUMBER || value < min || value > max) {
            throw new IllegalArgumentException(accepted());
        }
        return (int) value;
    }

    private Long parseSeconds(String raw) {
        long millis = millisOf(raw.trim());
        if (millis == TOO_PRECISE) {
            throw new IllegalArgumentException(accepted() + ", with at most 3 decimals");
        }
        if (millis == NOT_A_NUMBER || millis < min || millis > max) {
            throw new IllegalArgumentException(accepted());
        }
        return millis;
    }

    private String parseChoice(String raw) {
        String value = raw.trim().toLowerCase(Locale.ROOT);
        for (String choice : choices) {
            if (choice.equals(value)) {
                return choice;
            }
        }
        throw new IllegalArgumentException(accepted());
    }

    private String parseHost(String raw) {
        String value = raw.trim();
        if (value.isEmpty() || value.length() > 253 || !hostCharacters(value)) {
            throw new IllegalArgumentException(accepted());
        }
        return value;
    }

    private static final long NOT_A_NUMBER = -1;
    private static final long TOO_PRECISE = -2;

    /**
     * Milliseconds of a decimal number of seconds ({@code 2}, {@code 2.5}, {@code +0.250}, {@code .5}); trailing
     * zeros beyond the third decimal are fine. {@link #NOT_A_NUMBER} for anything else (signs other than a leading
     * plus, exponents, more than 12 whole digits), {@link #TOO_PRECISE} for a non-zero fourth decimal or beyond.
     */
    static long millisOf(String text) {
        int at = text.startsWith("+") ? 1 : 0;
        long whole = 0;
        int wholeDigits = 0;
        while (at < text.length() && isDigit(text.charAt(at))) {
            if (++wholeDigits > 12) {
                return NOT_A_NUMBER;
            }
            whole = whole * 10 + (text.charAt(at++) - '0');
        }
        long fraction = 0;
        int fractionDigits = 0;
        boolean tooPrecise = false;
        if (at < text.length() && text.charAt(at) == '.') {
            at++;
            while (at < text.length() && isDigit(text.charAt(at))) {
                int digit = text.charAt(at++) - '0';
                if (fractionDigits < 3) {
                    fraction = fraction * 10 + digit;
                } else if (digit != 0) {
                    tooPrecise = true;
                }
                fractionDigits++;
            }
        }
        if (at != text.length() || wholeDigits + fractionDigits == 0) {
            return NOT_A_NUMBER;
        }
        if (tooPrecise) {
            return TOO_PRECISE;
        }
        for (int shown = Math.min(fractionDigits, 3); shown < 3; shown++) {
            fraction *= 10;
        }
        return whole * 1000 + fraction;
    }

    /**
     * A whole number with an optional sign ({@code 50}, {@code +50}, {@code 007}), or {@link #NOT_A_NUMBER} for
     * anything else, a negative number and one of more than 12 significant digits included (every bound here is
     * far below). Not {@link Long#parseLong}: catching its NumberFormatException loads that class in every JVM's
     * premain.
     */
    static long wholeNumberOf(String text) {
        int at = text.startsWith("+") || text.startsWith("-") ? 1 : 0;
        if (at == text.length()) {
            return NOT_A_NUMBER;
        }
        long value = 0;
        int significant = 0;
        for (; at < text.length(); at++) {
            if (!isDigit(text.charAt(at))) {
                return NOT_A_NUMBER;
            }
            if (value > 0 || text.charAt(at) != '0') {
                if (++significant > 12) {
                    return NOT_A_NUMBER;
                }
            }
            value = value * 10 + (text.charAt(at) - '0');
        }
        return text.startsWith("-") && value != 0 ? NOT_A_NUMBER : value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Letters, digits, dots, dashes, colons and brackets ({@code [::1]}); no regex at start-up. */
    private static boolean hostCharacters(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == ':' || c == '-' || c == '[' || c == ']';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Milliseconds as plain seconds: {@code 10} -> "0.01", {@code 86400000} -> "86400". */
    private static String plain(long millis) {
        String seconds = AgentConfig.seconds(millis);
        return seconds.substring(0, seconds.length() - 1);
    }
}
