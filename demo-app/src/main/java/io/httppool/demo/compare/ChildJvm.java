package io.httppool.demo.compare;

import io.httppool.demo.common.DemoJar;
import io.httppool.demo.common.ReadyLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One role of the demo in a JVM of its own: {@code java [jvm options] -cp <demo> io.httppool.demo.Main <role> ...}.
 *
 * <p>Its stdout and stderr go to a log file; the ready line and the agent's {@code [http-pool-agent]}
 * lines are also kept in memory. Its stdin stays an open pipe: the child exits when this JVM does
 * (see {@code ParentWatch}), so no server outlives an interrupted comparison.
 */
final class ChildJvm implements AutoCloseable {

    /** Every line the agent logs carries this tag (after a timestamp, in some formats). */
    static final String AGENT_MARKER = "[http-pool-agent]";

    /** Variables that would attach agents or options behind the comparison's back. */
    private static final List<String> STRIPPED_ENV = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private final String role;
    private final Process process;
    private final Path log;
    private final CompletableFuture<Map<String, String>> ready = new CompletableFuture<>();
    private final List<String> agentLines = Collections.synchronizedList(new ArrayList<>());
    private final Thread pump;
    private final long launchedNanos;
    private volatile long readyNanos;

    private ChildJvm(String role, Process process, long launchedNanos, Path log) throws IOException {
        this.role = role;
        this.process = process;
        this.launchedNanos = launchedNanos;
        this.log = log;
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
        pump = new Thread(() -> pump(out), "output-" + role);
        pump.setDaemon(true);
        pump.start();
    }

    static ChildJvm start(String role, List<String> jvmOptions, List<String> arguments,
                          Map<String, String> environment, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(DemoJar.classPath());
        command.add("io.httppool.demo.Main");
        command.add(role);
        command.addAll(arguments);
        command.add("--exit-with-parent");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        STRIPPED_ENV.forEach(builder.environment()::remove);
        builder.environment().putAll(environment);
        Files.writeString(log, "");
        long launched = System.nanoTime();
        return new ChildJvm(role, builder.start(), launched, log);
    }

    private void pump(PrintWriter out) {
        try (out; BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                Map<String, String> fields = ReadyLine.parse(line);
                if (fields != null) {
                    if (readyNanos == 0) {
                        readyNanos = System.nanoTime();
                    }
                    ready.complete(fields);
                }
                if (line.contains(AGENT_MARKER)) {
                    agentLines.add(line);
                }
            }
        } catch (IOException e) {
            // the child is gone; what it wrote so far is in the log
        } finally {
            ready.completeExceptionally(new IOException(role + " exited before it was ready"));
        }
    }

    /** Waits for the ready line; on failure the message carries the end of the child's log. */
    Map<String, String> awaitReady(Duration timeout) throws IOException, InterruptedException {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            String why = e instanceof TimeoutException ? "was not ready within " + timeout.toSeconds() + " s" : "exited before it was ready";
            close();
            throw new IOException(role + " " + why + "; last lines of " + log + ":\n" + tail());
        }
    }

    /**
     * Milliseconds from launching the JVM to reading its ready line: JVM start, any agent's premain,
     * and the role's own start-up. NaN before the line arrived.
     */
    double startupMillis() {
        long at = readyNanos;
        return at == 0 ? Double.NaN : (at - launchedNanos) / 1e6;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int waitFor(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new IOException(role + " did not finish within " + timeout.toSeconds() + " s; see " + log);
        }
        pump.join(2_000);
        return process.exitValue();
    }

    List<String> agentLines() {
        synchronized (agentLines) {
            return List.copyOf(agentLines);
        }
    }

    Path log() {
        return log;
    }

    String tail() {
        try {
            pump.join(1_000);
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | InterruptedException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Stops the child: politely first (its shutdown hooks close servers), then by force. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
