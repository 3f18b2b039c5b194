package io.httppool.agent.config;

import java.math.BigDecimal;
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

    /** Seconds, fractional allowed ("0.25"), kept exactly as a {@link Duration} down to the millisecond. */
    static SettingType<Duration> seconds(double minSeconds, double maxSeconds) {
        BigDecimal min = BigDecimal.valueOf(minSeconds);
        BigDecimal max = BigDecimal.valueOf(maxSeconds);
        return new SettingType<>() {
            @Override
            Duration parse(String raw) {
                String trimmed = raw.trim();
                if (wholeNumber(trimmed)) { // the usual case, without BigDecimal at start-up
                    long whole = Long.parseLong(trimmed);
                    if (whole < minSeconds || whole > maxSeconds) {
                        throw new IllegalArgumentException(accepted());
                    }
                    return Duration.ofSeconds(whole);
                }
                BigDecimal value;
                try {
                    value = new BigDecimal(raw.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(accepted());
                }
                if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                    throw new IllegalArgumentException(accepted());
                }
                BigDecimal millis = value.movePointRight(3);
                if (millis.stripTrailingZeros().scale() > 0) {
                    throw new IllegalArgumentException(accepted() + ", with at most 3 decimals");
                }
                return Duration.ofMillis(millis.longValueExact());
            }

            @Override
            String accepted() {
                return "seconds from " + plain(min) + " to " + plain(max) + " (fractions allowed, e.g. 2.5)";
            }
        };
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

    /** Up to 9 digits, nothing else: parsed as a long without overflow. */
    private static boolean wholeNumber(String value) {
        if (value.isEmpty() || value.length() > 9) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
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

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }
}
