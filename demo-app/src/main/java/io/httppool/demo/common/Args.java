package io.httppool.demo.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options of the form {@code --name value} or {@code --flag}.
 *
 * <p>Hand-rolled because the demo jar should stay small and each sub-command has only a handful of
 * options. Every option a command reads is looked up by name; {@link #rejectUnknown()} then names
 * anything the user typed that no one asked for, so a typo does not silently run the defaults.
 */
public final class Args {

    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final java.util.Set<String> consumed = new java.util.HashSet<>();

    private Args() {
    }

    public static Args parse(String[] argv) {
        Args args = new Args();
        for (int i = 0; i < argv.length; i++) {
            String token = argv[i];
            if (!token.startsWith("--") || token.length() == 2) {
                throw new UsageException("unexpected argument '" + token + "' (options look like --name value)");
            }
            String name = token.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                value = argv[++i];
            } else {
                value = "true";
            }
            args.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return args;
    }

    public String string(String name, String defaultValue) {
        List<String> list = list(name);
        return list.isEmpty() ? defaultValue : list.get(list.size() - 1);
    }

    public String required(String name) {
        String value = string(name, null);
        if (value == null) {
            throw new UsageException("missing required option --" + name);
        }
        return value;
    }

    public List<String> list(String name) {
        consumed.add(name);
        return values.getOrDefault(name, List.of());
    }

    public int integer(String name, int defaultValue, int min, int max) {
        String raw = string(name, null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value < min || value > max) {
                throw new UsageException("--" + name + " " + raw + " is out of range: accepted " + min + ".." + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " " + raw + " is not a whole number: accepted " + min + ".." + max);
        }
    }

    public boolean flag(String name) {
        String raw = string(name, "false");
        if (raw.equalsIgnoreCase("true")) {
            return true;
        }
        if (raw.equalsIgnoreCase("false")) {
            return false;
        }
        throw new UsageException("--" + name + " takes true or false, not '" + raw + "'");
    }

    /** Call after reading every option: names the options nobody read (most likely typos). */
    public void rejectUnknown() {
        for (String name : values.keySet()) {
            if (!consumed.contains(name)) {
                throw new UsageException("unknown option --" + name);
            }
        }
    }

    /** A user error on the command line: printed without a stack trace. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }
}
