package io.httppool.agent.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads every {@link Setting} from its sources, highest precedence first: agent arguments,
 * system properties, environment variables, defaults. A value that does not parse is reported,
 * never guessed at: the caller then leaves pooling off.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    public static AgentConfig fromEnvironment(String agentArgs) {
        return load(agentArgs, System.getProperties(), System.getenv());
    }

    /**
     * The configuration (defaults where a value was bad), carrying every problem found in its
     * {@link AgentConfig#errors()}: no result class of its own, since this runs in every JVM's premain, where
     * each class loaded costs ~0.3 ms.
     */
    public static AgentConfig load(String agentArgs, Properties systemProperties, Map<String, String> environment) {
        List<String> errors = new ArrayList<>();
        Map<Setting, String> fromArgs = parseAgentArgs(agentArgs, errors);
        Map<Setting, Object> values = new EnumMap<>(Setting.class);
        Map<Setting, String> sources = new EnumMap<>(Setting.class);

        for (Setting setting : Setting.values()) {
            String raw;
            String source;
            if (fromArgs.containsKey(setting)) {
                raw = fromArgs.get(setting);
                source = "agent argument";
            } else if (systemProperties.getProperty(setting.propertyName()) != null) {
                raw = systemProperties.getProperty(setting.propertyName());
                source = "system property";
            } else if (environment.get(setting.envName()) != null) {
                raw = environment.get(setting.envName());
                source = "environment";
            } else {
                raw = setting.defaultValue();
                source = "default";
            }
            if (raw == null) {
                continue;
            }
            try {
                values.put(setting, setting.parse(raw));
                sources.put(setting, source);
            } catch (IllegalArgumentException e) {
                errors.add(describeBadValue(setting, raw, source, e.getMessage()));
                if (setting.defaultValue() != null) {
                    values.put(setting, setting.parse(setting.defaultValue()));
                }
            }
        }
        checkConsistency(values, errors);
        return new AgentConfig(values, sources, Collections.unmodifiableList(errors));
    }

    private static void checkConsistency(Map<Setting, Object> values, List<String> errors) {
        Object perRoute = values.get(Setting.MAX_CONNECTIONS_PER_ROUTE);
        Object total = values.get(Setting.MAX_CONNECTIONS);
        if (perRoute != null && total != null && (Integer) perRoute > (Integer) total) {
            errors.add("Invalid setting " + Setting.MAX_CONNECTIONS_PER_ROUTE.envName() + "='" + perRoute
                    + "': it exceeds " + Setting.MAX_CONNECTIONS.envName() + "=" + total
                    + "; expected a whole number from 1 to " + total);
        }
    }

    private static String describeBadValue(Setting setting, String raw, String source, String accepted) {
        String name = "agent argument".equals(source) || "system property".equals(source)
                ? setting.propertyName() + " (" + setting.envName() + ")"
                : setting.envName();
        return "Invalid setting " + name + "='" + raw + "' from " + source + ": expected " + accepted;
    }

    /** Agent arguments look like {@code http.max.connections=50,http.pool.enabled=false}. */
    private static Map<Setting, String> parseAgentArgs(String agentArgs, List<String> errors) {
        Map<Setting, String> parsed = new EnumMap<>(Setting.class);
        if (agentArgs == null || agentArgs.isBlank()) {
            return parsed;
        }
        for (String pair : agentArgs.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                errors.add("Invalid agent argument '" + pair + "': expected key=value, e.g. http.max.connections=50");
                continue;
            }
            String key = pair.substring(0, eq).trim();
            Setting setting = Setting.byKey(key);
            if (setting == null) {
                errors.add("Unknown agent argument '" + key + "': expected one of " + knownKeys());
                continue;
            }
            parsed.put(setting, pair.substring(eq + 1));
        }
        return parsed;
    }

    private static String knownKeys() {
        List<String> keys = new ArrayList<>();
        for (Setting setting : Setting.values()) {
            keys.add(setting.propertyName());
        }
        return String.join(", ", keys);
    }
}
