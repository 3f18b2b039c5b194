package io.httppool.it.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts {@code java [-javaagent:agent.jar[=args]] [-Dk=v...] -cp <test class path> MainClass args}
 * in a fresh JVM with a clean environment (no inherited HTTP_* settings or JAVA_TOOL_OPTIONS), the
 * test trust store, and stdout/stderr kept in target/it-work/logs/ for post-mortems.
 */
public final class JvmRunner {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String mainClass;
    private final Path jar;
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> sysprops = new LinkedHashMap<>();
    private boolean agent;
    private String agentArgs;
    private Duration timeout = Duration.ofMinutes(2);
    private String name;
    private String classPathFirst;
    private List<String> replacedPrefixes = List.of();
    private String classPath;
    private Path javaHome = Jdks.current();
    /** Other Java agents ({@code -javaagent:} values): those before ours on the command line, and those after. */
    private final List<String> agentsBefore = new ArrayList<>();
    private final List<String> agentsAfter = new ArrayList<>();

    private JvmRunner(String mainClass, Path jar, String name) {
        this.mainClass = mainClass;
        this.jar = jar;
        this.name = name;
    }

    public static JvmRunner app(Class<?> mainClass) {
        return new JvmRunner(mainClass.getName(), null, mainClass.getSimpleName());
    }

    /** Runs an executable jar ({@code java ... -jar <jar> args}) instead of a class of the test class path. */
    public static JvmRunner jar(Path jar) {
        String file = jar.getFileName().toString();
        return new JvmRunner(null, jar, file.endsWith(".jar") ? file.substring(0, file.length() - 4) : file);
    }

    /** Attaches the agent jar with {@code -javaagent}. */
    public JvmRunner withAgent() {
        this.agent = true;
        return this;
    }

    /** Attaches the agent jar with {@code -javaagent:jar=agentArgs}. */
    public JvmRunner withAgent(String agentArgs) {
        this.agent = true;
        this.agentArgs = agentArgs;
        return this;
    }

    /** Attaches the agent or not. */
    public JvmRunner agent(boolean on) {
        this.agent = on;
        return this;
    }

    /**
     * Attaches another Java agent too ({@code -javaagent:<jarAndArgs>}), before ours on the command line (so its
     * premain runs first) or after it; whether ours is attached at all stays {@link #agent(boolean)}'s choice.
     */
    public JvmRunner otherAgent(String jarAndArgs, boolean beforeOurs) {
        (beforeOurs ? agentsBefore : agentsAfter).add(jarAndArgs);
        return this;
    }

    public JvmRunner env(String key, String value) {
        env.put(key, value);
        return this;
    }

    public JvmRunner sysprop(String key, String value) {
        sysprops.put(key, value);
        return this;
    }

    public JvmRunner args(String... more) {
        args.addAll(List.of(more));
        return this;
    }

    public JvmRunner timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** Runs the child on another JDK (see {@link Jdks}). */
    public JvmRunner java(Path home) {
        this.javaHome = home;
        return this;
    }

    /** Puts these entries before the test class path (an application's own library versions win). */
    public JvmRunner classPathFirst(String entries) {
        this.classPathFirst = entries;
        return this;
    }

    /**
     * Runs the child on other versions of a library: {@code jars} first, and the test class path's own jars
     * whose file names start with one of {@code replacedPrefixes} left out (no mix of two versions).
     */
    public JvmRunner replacingLibrary(String jars, String... replacedPrefixes) {
        this.classPathFirst = jars;
        this.replacedPrefixes = List.of(replacedPrefixes);
        return this;
    }

    /**
     * Replaces the test class path with these entries: for an app that makes its own class loaders, whose
     * libraries must not be visible from the system class loader.
     */
    public JvmRunner classPath(String entries) {
        this.classPath = entries;
        return this;
    }

    public JvmRunner name(String name) {
        this.name = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return this;
    }

    List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
        agentsBefore.forEach(other -> cmd.add("-javaagent:" + other));
        if (agent) {
            cmd.add("-javaagent:" + Settings.agentJar() + (agentArgs == null ? "" : "=" + agentArgs));
        }
        agentsAfter.forEach(other -> cmd.add("-javaagent:" + other));
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xss512k");
        cmd.addAll(Certificates.get().trustStoreJvmArgs());
        sysprops.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        if (jar != null) {
            cmd.add("-jar");
            cmd.add(jar.toString());
            cmd.addAll(args);
            return cmd;
        }
        cmd.add("-cp");
        if (classPath != null) {
            cmd.add(classPath);
        } else {
            String testClassPath = Settings.childClassPath();
            if (!replacedPrefixes.isEmpty()) {
                testClassPath = java.util.Arrays.stream(testClassPath.split(java.io.File.pathSeparator))
                        .filter(entry -> replacedPrefixes.stream().noneMatch(Path.of(entry).getFileName().toString()::startsWith))
                        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
            }
            cmd.add(classPathFirst == null ? testClassPath : classPathFirst + java.io.File.pathSeparator + testClassPath);
        }
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    private ProcessBuilder processBuilder(Path out, Path err) {
        ProcessBuilder pb = new ProcessBuilder(command());
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.toUpperCase(java.util.Locale.ROOT).startsWith("HTTP_")
                || k.equals("JAVA_TOOL_OPTIONS") || k.equals("_JAVA_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
        e.putAll(env);
        if (out != null) {
            pb.redirectOutput(out.toFile());
        }
        pb.redirectError(err.toFile());
        return pb;
    }

    private Path logFile(String suffix) {
        Path dir = Settings.workDir().resolve("logs");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.resolve(String.format("%03d-%s%s.%s", SEQUENCE.incrementAndGet(), name, agent ? "-agent" : "-noagent", suffix));
    }

    /** Runs to completion (killed after the timeout) and returns exit code and output. */
    public RunResult run() {
        Path out = logFile("out");
        Path err = Path.of(out.toString().replaceFirst("\\.out$", ".err"));
        List<String> cmd = command();
        long start = System.nanoTime();
        try {
            Process p = processBuilder(out, err).start();
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return new RunResult(cmd, env, finished ? p.exitValue() : -1, !finished,
                    Files.readString(out), Files.readString(err), elapsed, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts an app driven by stdin (see InteractiveApp) and waits for its READY line. */
    public Interactive start() {
        Path err = logFile("err");
        try {
            Process p = processBuilder(null, err).start();
            Interactive session = new Interactive(p, command(), env, err, timeout);
            String ready = session.readLine(Duration.ofSeconds(60));
            if (!"READY".equals(ready)) {
                session.close();
                throw new IllegalStateException("app did not start (first line '" + ready + "')\n" + session.describe());
            }
            return session;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a long-running app (a server) with stdout and stderr going to its log files; the caller waits for the
     * line that says it is up ({@link Server#awaitStdout}) and stops it with {@link Server#close()}.
     */
    public Server startServer() {
        Path out = logFile("out");
        Path err = Path.of(out.toString().replaceFirst("\\.out$", ".err"));
        try {
            return new Server(processBuilder(out, err).start(), command(), env, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A running stdin-driven app: one command in, one result line out. */
    public static final class Interactive implements AutoCloseable {
        private final Process process;
        private final List<String> command;
        private final Map<String, String> env;
        private final Path err;
        private final Duration timeout;
        private final Writer stdin;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        /** Lines the app prints on its own, not as the answer to a command ({@code BGDONE ...}). */
        private final BlockingQueue<String> asyncLines = new LinkedBlockingQueue<>();
        private final List<String> transcript = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread reader;

        Interactive(Process process, List<String> command, Map<String, String> env, Path err, Duration timeout) {
            this.process = process;
            this.command = command;
            this.env = new LinkedHashMap<>(env);
            this.err = err;
            this.timeout = timeout;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            this.reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l = r.readLine(); l != null; l = r.readLine()) {
                        if (l.startsWith(ASYNC_PREFIX)) {
                            asyncLines.add(l);
                            transcript.add("<< " + l);
                        } else {
                            lines.add(l);
                        }
                    }
                } catch (IOException ignored) {
                    // process gone
                }
            }, "interactive-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        String readLine(Duration wait) {
            try {
                return lines.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        /** The prefix of lines the app prints by itself (InteractiveApp's {@code BGPRINT}); never a command's answer. */
        public static final String ASYNC_PREFIX = "BGDONE ";

        /** Waits up to {@code wait} for the next line the app printed by itself ({@code BGDONE ...}); null if none came. */
        public String awaitAsyncLine(Duration wait) {
            try {
                return asyncLines.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        /** How the app ended after {@link #quit}: exit code, time from QUIT to exit, lines printed meanwhile. */
        public record Exit(int exitCode, boolean exited, long millisAfterQuit, List<String> asyncLines, List<String> lines) {
        }

        /**
         * Sends QUIT and waits up to {@code wait} for the process to end (killed after that), then for its stdout
         * to be read to the end. Returns the exit code, how long the JVM took to exit after QUIT was sent, and the
         * lines it printed that nobody read yet ({@code BGDONE ...} apart from the others, e.g. {@code BYE}).
         */
        public Exit quit(Duration wait) {
            long sent = System.nanoTime();
            try {
                stdin.write("QUIT\n");
                stdin.flush();
            } catch (IOException ignored) {
                // already gone
            }
            transcript.add("> QUIT");
            boolean exited;
            try {
                exited = process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
                long millis = (System.nanoTime() - sent) / 1_000_000;
                if (!exited) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                reader.join(10_000);
                List<String> async = new ArrayList<>();
                asyncLines.drainTo(async);
                List<String> rest = new ArrayList<>();
                lines.drainTo(rest);
                rest.forEach(l -> transcript.add("< " + l));
                return new Exit(exited ? process.exitValue() : -1, exited, millis, async, rest);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Sends one command and returns its result line. */
        public Outcome send(String command) {
            try {
                stdin.write(command + "\n");
                stdin.flush();
            } catch (IOException e) {
                throw new IllegalStateException("app is gone\n" + describe(), e);
            }
            String line = readLine(timeout);
            transcript.add("> " + command);
            transcript.add("< " + line);
            if (line == null) {
                throw new IllegalStateException("no answer to '" + command + "' within " + timeout + "\n" + describe());
            }
            return Outcome.parse(line);
        }

        public String stderr() {
            try {
                return Files.readString(err);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String describe() {
            String stderr = stderr();
            return "command: " + String.join(" ", command) + "\nenv: " + env
                    + "\ntranscript:\n  " + String.join("\n  ", transcript)
                    + "\nstderr (" + err + "):\n" + RunResult.tail(stderr, 4000);
        }

        @Override
        public void close() {
            try {
                stdin.write("QUIT\n");
                stdin.flush();
            } catch (IOException ignored) {
                // already gone
            }
            awaitExit(process, 10);
        }
    }

    /** Waits up to {@code graceSeconds} for {@code process} to end, then kills it (and waits up to 10 s more). */
    static void awaitExit(Process process, long graceSeconds) {
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** One result line of InteractiveApp. */
    public static final class Outcome {
        public final boolean ok;
        public final int status;
        public final String body;
        public final String errorClass;
        public final String errorMessage;
        public final String line;

        private Outcome(String line, boolean ok, int status, String body, String errorClass, String errorMessage) {
            this.line = line;
            this.ok = ok;
            this.status = status;
            this.body = body;
            this.errorClass = errorClass;
            this.errorMessage = errorMessage;
        }

        static Outcome parse(String line) {
            String[] p = line.split(" ", 3);
            String rest = p.length > 2 ? java.net.URLDecoder.decode(p[2], StandardCharsets.UTF_8) : "";
            if ("OK".equals(p[0])) {
                return new Outcome(line, true, Integer.parseInt(p[1]), rest, null, null);
            }
            return new Outcome(line, false, 0, null, p.length > 1 ? p[1] : "?", rest);
        }

        @Override
        public String toString() {
            return ok ? "OK " + status + " " + body : "ERR " + errorClass + ": " + errorMessage;
        }
    }
}
