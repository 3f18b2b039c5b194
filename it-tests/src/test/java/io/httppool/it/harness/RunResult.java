package io.httppool.it.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Exit code, output and the parsed {@code RESULT} lines of one finished child JVM. */
public final class RunResult {

    private final List<String> command;
    private final Map<String, String> env;
    public final int exitCode;
    public final boolean timedOut;
    public final String stdout;
    public final String stderr;
    public final long elapsedMs;
    private final Path logFile;

    RunResult(List<String> command, Map<String, String> env, int exitCode, boolean timedOut,
              String stdout, String stderr, long elapsedMs, Path logFile) {
        this.command = List.copyOf(command);
        this.env = new LinkedHashMap<>(env);
        this.exitCode = exitCode;
        this.timedOut = timedOut;
        this.stdout = stdout;
        this.stderr = stderr;
        this.elapsedMs = elapsedMs;
        this.logFile = logFile;
    }

    /** Every {@code RESULT k=v ...} line of LoadApp, in order. */
    public List<Summary> summaries() {
        List<Summary> out = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (line.startsWith("RESULT ")) {
                out.add(new Summary(line));
            }
        }
        return out;
    }

    /** The one RESULT line; fails (with the whole story) when the app did not finish properly. */
    public Summary summary() {
        List<Summary> all = summaries();
        if (exitCode != 0 || all.size() != 1) {
            throw new AssertionError("expected exit 0 and one RESULT line\n" + describe());
        }
        return all.get(0);
    }

    /** The RESULT line for that mode and base. */
    public Summary summary(String mode, String base) {
        if (exitCode != 0) {
            throw new AssertionError("expected exit 0\n" + describe());
        }
        for (Summary s : summaries()) {
            if (s.get("mode").equals(mode) && s.get("base").equals(base)) {
                return s;
            }
        }
        throw new AssertionError("no RESULT for mode=" + mode + " base=" + base + "\n" + describe());
    }

    /** Lines of standard error containing every one of the fragments. */
    public List<String> stderrLinesWith(String... fragments) {
        return AgentLog.lines(stderr, fragments);
    }

    /** Everything one needs to understand a failed assertion. */
    public String describe() {
        return "command: " + String.join(" ", command)
                + "\nenv: " + env
                + "\nexit: " + exitCode + (timedOut ? " (killed: timeout)" : "") + " after " + elapsedMs + " ms"
                + "\nlogs: " + logFile + " (.err)"
                + "\nstdout:\n" + tail(stdout, 3000)
                + "\nstderr:\n" + tail(stderr, 5000);
    }

    static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }

    /** One parsed RESULT line. */
    public static final class Summary {
        public final String line;
        private final Map<String, String> fields = new LinkedHashMap<>();

        Summary(String line) {
            this.line = line;
            for (String token : line.substring("RESULT ".length()).split(" ")) {
                int eq = token.indexOf('=');
                if (eq > 0) {
                    fields.put(token.substring(0, eq), token.substring(eq + 1));
                }
            }
        }

        public String get(String key) {
            String v = fields.get(key);
            if (v == null) {
                throw new AssertionError("no field " + key + " in " + line);
            }
            return v;
        }

        public int getInt(String key) {
            return Integer.parseInt(get(key));
        }

        public int successes() {
            return getInt("successes");
        }

        public int failures() {
            return getInt("failures");
        }

        public String digest() {
            return get("digest");
        }

        @Override
        public String toString() {
            return line;
        }
    }
}
