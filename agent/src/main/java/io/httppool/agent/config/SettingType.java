package io.httppool.agent.config;

import java.time.Duration;
import java.util.Locale;

/**
 * How the text of one setting becomes a value, and what text is accepted.
 * Each type rejects anything it would otherwise have to guess at: no trimming of units,
 * no clamping of out-of-range numbers.
 */
abstract class SettingType<T> {

    /** Parses the raw text or throws {@link IllegalArgumentException} with the accepted form as message. */
    abstract T parse(String raw);

    /** What a valid value looks like, for error messages and the README. */
    abstract String accepted();

    static SettingType<Boolean> bool() {
        return new SettingType<>() {
            @Override
            Boolean parse(String raw) {
                switch (raw.trim().toLowerCase(Locale.ROOT)) {
                    case "true": case "yes": case "on": case "1":
                        return Boolean.TRUE;
                    case "false": case "no": case "off": case "0":
                        return Boolean.FALSE;
                    default:
                        throw new IllegalArgumentException(accepted());
                }
            }

            @Override
            String accepted() {
                return "true or false (also yes/no, on/off, 1/0)";
            }
        };
    }

    static SettingType<Integer> integer(int min, int max) {
        return new SettingType<>() {
            @Override
            Integer parse(String raw) {
                long value;
                try {
                    value = Long.parseLong(raw.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(accepted());
                }
                if (value < min || value > max) {
                    throw new IllegalArgumentException(accepted());
                }
                return (int) value;
            }

            @Override
            String accepted() {
                return "a whole number from " + min + " to " + max;
            }
        };
    }

    /**
     * Seconds, fractional allowed ("0.25"), kept exactly as a {@link Duration} down to the millisecond.
     * Parsed with long arithmetic, not BigDecimal: this runs in premain, and on JDK 25 the first BigDecimal
     * made from a double cost ~30 ms of start-up (its BigInteger tables are built through a fork-join task).
     */
    static SettingType<Duration> seconds(double minSeconds, double maxSeconds) {
        long minMillis = Math.round(minSeconds * 1000);
        long maxMillis = Math.round(maxSeconds * 1000);
        return new SettingType<>() {
            @Override
            Duration parse(String raw) {
                long millis = millisOf(raw.trim());
                if (millis == TOO_PRECISE) {
                    throw new IllegalArgumentException(accepted() + ", with at most 3 decimals");
                }
                if (millis == NOT_A_NUMBER || millis < minMillis || millis > maxMillis) {
                    throw new IllegalArgumentException(accepted());
                }
                return Duration.ofMillis(millis);
            }

            @Override
            String accepted() {
                return "seconds from " + plain(minMillis) + " to " + plain(maxMillis) + " (fractions allowed, e.g. 2.5)";
            }
        };
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

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static SettingType<String> oneOf(String... choices) {
        return new SettingType<>() {
            @Override
            String parse(String raw) {
                String value = raw.trim().toLowerCase(Locale.ROOT);
                for (String choice : choices) {
                    if (choice.equals(value)) {
                        return choice;
                    }
                }
                throw new IllegalArgumentException(accepted());
            }

            @Override
            String accepted() {
                return "one of " + String.join(", ", choices);
            }
        };
    }

    /** A host name or IP literal to bind to: letters, digits, dots, dashes and colons only. */
    static SettingType<String> host() {
        return new SettingType<>() {
            @Override
            String parse(String raw) {
                String value = raw.trim();
                if (value.isEmpty() || value.length() > 253 || !hostCharacters(value)) {
                    throw new IllegalArgumentException(accepted());
                }
                return value;
            }

            @Override
            String accepted() {
                return "a host name or IP address to bind to, e.g. 127.0.0.1";
            }
        };
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
        String seconds = AgentConfig.seconds(Duration.ofMillis(millis));
        return seconds.substring(0, seconds.length() - 1);
    }
}
