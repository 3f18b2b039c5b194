package io.httppool.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A child JVM running a server ({@link JvmRunner#startServer()}): its output is read from its log files. */
public final class Server implements AutoCloseable {

    private final Process process;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path out;
    private final Path err;

    Server(Process process, List<String> command, Map<String, String> env, Path out, Path err) {
        this.process = process;
        this.command = List.copyOf(command);
        this.env = new LinkedHashMap<>(env);
        this.out = out;
        this.err = err;
    }

    /** Waits (up to {@code wait}) for a line of stdout matching {@code pattern}; returns its first group. */
    public String awaitStdout(Pattern pattern, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        do {
            Matcher m = pattern.matcher(stdout());
            if (m.find()) {
                return m.group(1);
            }
            if (!process.isAlive()) {
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no line matching '" + pattern + "' on stdout within " + wait + "\n" + describe());
    }

    public String stdout() {
        return read(out);
    }

    public String stderr() {
        return read(err);
    }

    public String describe() {
        return "command: " + String.join(" ", command) + "\nenv: " + env
                + (process.isAlive() ? "\nrunning" : "\nexit: " + process.exitValue())
                + "\nlogs: " + out + " (.err)"
                + "\nstdout:\n" + RunResult.tail(stdout(), 3000) + "\nstderr:\n" + RunResult.tail(stderr(), 4000);
    }

    /** Stops the server as an operator would (SIGTERM: shutdown hooks run), forcibly after 20 s. */
    @Override
    public void close() {
        process.destroy();
        JvmRunner.awaitExit(process, 20);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
