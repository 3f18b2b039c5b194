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
                if (value.isEmpty() || value.length() > 253 || !value.matches("[A-Za-z0-9.:\\-\\[\\]]+")) {
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

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }
}
