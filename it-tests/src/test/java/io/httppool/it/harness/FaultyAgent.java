package io.httppool.it.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The agent jar under test with one class replaced: {@code io.httppool.agent.log.FaultPoint}, empty in the
 * shipped jar, by the fault-injecting variant in {@code it-tests/src/test/faults/} (compiled here with the
 * JDK's compiler against the jar under test, so it never reaches any class path of the build). Everything
 * else of the jar is copied byte for byte.
 *
 * <p>{@link #run} starts a child JVM exactly as {@link JvmRunner} would (same flags, class path, clean
 * environment), with this jar as {@code -javaagent} and the fault settings as system properties.
 */
public final class FaultyAgent {

    public static final String FAULT_POINT_ENTRY = "io/httppool/agent/log/FaultPoint.class";
    /** What the injected exceptions say (the variant's {@code MESSAGE}). */
    public static final String MESSAGE = "http-pool-agent injected fault in ";

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static Path jar;

    private FaultyAgent() {
    }

    /** Built once per test JVM from the snapshot of the agent jar under test. */
    public static synchronized Path jar() {
        if (jar != null) {
            return jar;
        }
        Path shipped = Settings.agentJar();
        Path work = Settings.workDir().resolve("faulty-agent");
        Path classes = work.resolve("classes");
        try {
            deleteTree(classes);
            Files.createDirectories(classes);
            compile(source(), shipped, classes);
            Map<String, byte[]> replacements = new TreeMap<>();
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    replacements.put(classes.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
                }
            }
            if (!replacements.containsKey(FAULT_POINT_ENTRY)) {
                throw new IllegalStateException("compiling the fault variant gave no " + FAULT_POINT_ENTRY + ": " + replacements.keySet());
            }
            Path out = work.resolve("http-pool-agent-with-faults.jar");
            byte[] original = copyReplacing(shipped, out, replacements);
            if (original == null) {
                throw new IllegalStateException("the agent jar " + shipped + " has no " + FAULT_POINT_ENTRY);
            }
            if (Arrays.equals(original, replacements.get(FAULT_POINT_ENTRY))) {
                throw new IllegalStateException("the fault variant compiled to the shipped class");
            }
            System.out.println("fault-injecting agent jar: " + out + " (" + shipped + " with " + replacements.keySet() + " replaced)");
            jar = out;
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path source() {
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path module : List.of(cwd, cwd.resolve("it-tests"))) {
            Path source = module.resolve("src/test/faults/io/httppool/agent/log/FaultPoint.java");
            if (Files.isRegularFile(source)) {
                return source;
            }
        }
        throw new IllegalStateException("fault variant source src/test/faults/io/httppool/agent/log/FaultPoint.java not found from " + cwd);
    }

    private static void compile(Path source, Path agentJar, Path classes) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler in " + System.getProperty("java.home") + ": run the tests on a JDK");
        }
        java.io.ByteArrayOutputStream messages = new java.io.ByteArrayOutputStream();
        int rc = compiler.run(null, messages, messages, "--release", "17", "-classpath", agentJar.toString(),
                "-d", classes.toString(), source.toString());
        if (rc != 0) {
            throw new IllegalStateException("cannot compile " + source + ":\n" + messages.toString(StandardCharsets.UTF_8));
        }
    }

    /** Copies the jar entry by entry in its order (the manifest stays first); returns the replaced class's original bytes. */
    private static byte[] copyReplacing(Path from, Path to, Map<String, byte[]> replacements) throws IOException {
        byte[] original = null;
        Map<String, byte[]> pending = new LinkedHashMap<>(replacements);
        try (ZipFile in = new ZipFile(from.toFile()); OutputStream file = Files.newOutputStream(to);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry entry : java.util.Collections.list(in.entries())) {
                byte[] bytes;
                try (InputStream data = in.getInputStream(entry)) {
                    bytes = data.readAllBytes();
                }
                if (entry.getName().equals(FAULT_POINT_ENTRY)) {
                    original = bytes;
                }
                byte[] replaced = pending.remove(entry.getName());
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(replaced != null ? replaced : bytes);
                out.closeEntry();
            }
            for (Map.Entry<String, byte[]> extra : pending.entrySet()) {
                out.putNextEntry(new ZipEntry(extra.getKey()));
                out.write(extra.getValue());
                out.closeEntry();
            }
        }
        return original;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** What the fault variant wrote at the child's exit. */
    public static final class Report {
        public final Map<String, Long> reached = new TreeMap<>();
        public final Map<String, Long> thrown = new TreeMap<>();
        public final long suppressed;
        public final String text;

        Report(String text) {
            this.text = text;
            long s = -1;
            for (String line : text.split("\n")) {
                String[] p = line.trim().split(" ");
                if (p.length == 3 && p[0].equals("reached")) {
                    reached.put(p[1], Long.parseLong(p[2]));
                } else if (p.length == 3 && p[0].equals("thrown")) {
                    thrown.put(p[1], Long.parseLong(p[2]));
                } else if (p.length == 2 && p[0].equals("suppressed")) {
                    s = Long.parseLong(p[1]);
                }
            }
            this.suppressed = s;
        }

        public long thrownTotal() {
            return thrown.values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A finished child JVM with the fault-injecting agent, and its report. */
    public static final class Run {
        public final RunResult result;
        public final Report report;
        public final String faults;

        Run(RunResult result, Report report, String faults) {
            this.result = result;
            this.report = report;
            this.faults = faults;
        }

        public String describe() {
            return "faults=" + faults + "\nfault report:\n" + report + "\n" + result.describe();
        }
    }

    /**
     * Runs {@code runner}'s command with the fault-injecting jar as the agent (its own agent setting is
     * replaced), {@code env} as the child's environment additions.
     *
     * @param faults {@code http.pool.test.faults} ("" for none)
     * @param kind   {@code runtime} or {@code error}
     */
    public static Run run(JvmRunner runner, Map<String, String> env, String faults, String kind) {
        int n = SEQUENCE.incrementAndGet();
        Path logs = Settings.workDir().resolve("logs");
        String label = String.format("fault-%03d-%s-%s", n, kind, faults.isEmpty() ? "none" : faults)
                .replaceAll("[^A-Za-z0-9._-]", "_");
        if (label.length() > 80) {
            label = label.substring(0, 80);
        }
        Path out = logs.resolve(label + ".out");
        Path err = logs.resolve(label + ".err");
        Path reportFile = logs.resolve(label + ".report");
        runner.withAgent()
                .sysprop("http.pool.test.faults", faults)
                .sysprop("http.pool.test.fault.kind", kind)
                .sysprop("http.pool.test.fault.report", reportFile.toString());
        List<String> command = new ArrayList<>();
        for (String arg : runner.command()) {
            command.add(arg.startsWith("-javaagent:") ? "-javaagent:" + jar() : arg);
        }
        long start = System.nanoTime();
        try {
            Files.createDirectories(logs);
            Files.deleteIfExists(reportFile);
            ProcessBuilder pb = new ProcessBuilder(command);
            Map<String, String> e = pb.environment();
            e.keySet().removeIf(k -> k.toUpperCase(java.util.Locale.ROOT).startsWith("HTTP_")
                    || k.equals("JAVA_TOOL_OPTIONS") || k.equals("_JAVA_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
            e.putAll(env);
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            Process p = pb.start();
            boolean finished = p.waitFor(3, TimeUnit.MINUTES);
            if (!finished) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            RunResult result = new RunResult(command, env, finished ? p.exitValue() : -1, !finished,
                    Files.readString(out), Files.readString(err), elapsed, out);
            String report = Files.exists(reportFile) ? Files.readString(reportFile) : "";
            return new Run(result, new Report(report), faults);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
