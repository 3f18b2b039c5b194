package io.httppool.demo.startup;

import com.sun.net.httpserver.HttpServer;
import io.httppool.demo.common.Args;
import io.httppool.demo.common.DemoJar;
import io.httppool.demo.common.HttpServers;
import io.httppool.demo.proxy.UpstreamClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code startup [--runs 15] [--agent-jar PATH] [--client apache5] [--java PATH] [--jvm-option OPT]... [--out demo-results]}:
 * the agent's start-up cost, as the difference of the median wall-clock times of whole JVMs run
 * with and without {@code -javaagent}. Each {@code --jvm-option} goes to both sides alike (for instance a CDS
 * archive, {@code -XX:SharedArchiveFile=...}, to measure the start-up recipe in the README).
 *
 * <p>A whole JVM is timed from the outside because that is what the user waits for: premain,
 * Byte Buddy's set-up and any class transformation included. Two JVMs are timed: hello world,
 * which never loads an HTTP client, and the one-call JVM, whose {@code main} makes one real GET
 * with the chosen library's per-request habit ({@link OneCall}) to a small server this command
 * runs in-process on loopback, then exits. Runs alternate without and with the agent so that
 * drift on a busy machine hits both sides alike; the first pair of each is discarded (cold file
 * cache, and the in-process server's own first request).
 */
public final class StartupCommand {

    private static final List<String> STRIPPED_ENV = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private StartupCommand() {
    }

    public static void run(Args args) throws Exception {
        int runs = args.integer("runs", 15, 3, 1000);
        String agentOption = args.string("agent-jar", null);
        UpstreamClient client;
        try {
            client = UpstreamClient.parse(args.string("client", UpstreamClient.APACHE5.cliName()));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        Path java = java(args.string("java", null));
        List<String> jvmOptions = List.copyOf(args.list("jvm-option"));
        Path out = Path.of(args.string("out", "demo-results")).toAbsolutePath().normalize();
        args.rejectUnknown();

        Path agent = DemoJar.agentJar(agentOption);
        String classPath = DemoJar.classPath();
        String version = javaVersion(java, classPath);

        ExecutorService serverThreads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "startup-server");
            t.setDaemon(true);
            return t;
        });
        HttpServer server = HttpServers.loopback(0);
        server.createContext("/hello", exchange -> {
            try (exchange) {
                byte[] body = "hello\n".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(body);
                }
            }
        });
        server.setExecutor(serverThreads);
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hello";

        List<StartupReport.Measurement> measurements = new ArrayList<>();
        try {
            System.out.printf("startup: %d runs each, alternating without and with -javaagent:%s%n", runs, agent);
            System.out.printf("         java %s (%s); one call: %s, GET %s%n", java, version, client.cliName(), url);
            if (!jvmOptions.isEmpty()) {
                System.out.printf("         JVM options on both sides: %s%n", String.join(" ", jvmOptions));
            }
            measurements.add(measure("hello_world", "hello world", runs, command(java, jvmOptions, "-cp", classPath,
                    Hello.class.getName()), agent));
            measurements.add(measure("one_call", "one call (" + client.cliName() + ")", runs, command(java, jvmOptions,
                    "-cp", classPath, Hello.class.getName(), "--call", url, "--client", client.cliName()), agent));
        } finally {
            server.stop(0);
            serverThreads.shutdownNow();
        }

        StartupReport report = new StartupReport(Instant.now(), java.toString(), version, jvmOptions, agent.toString(),
                client.cliName(), runs, measurements);
        System.out.println();
        System.out.print(report.table());
        Files.createDirectories(out);
        Path json = out.resolve("startup.json");
        Files.writeString(json, report.json(), StandardCharsets.UTF_8);
        System.out.println();
        System.out.println("report: " + json);
    }

    /** {@code java}, the options, then the rest; {@link #time} puts {@code -javaagent} right after {@code java}. */
    private static List<String> command(Path java, List<String> jvmOptions, String... rest) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.addAll(List.of(rest));
        return command;
    }

    /** The java executable for the measured JVMs: {@code --java PATH}, or the one running this command. */
    static Path java(String option) {
        if (option == null) {
            return Path.of(System.getProperty("java.home"), "bin", "java");
        }
        Path java = Path.of(option).toAbsolutePath().normalize();
        if (Files.isDirectory(java) && Files.isExecutable(java.resolve("bin").resolve("java"))) {
            return java.resolve("bin").resolve("java"); // a JDK's home was given
        }
        if (!Files.isRegularFile(java) || !Files.isExecutable(java)) {
            throw new Args.UsageException("--java " + option + " is not an executable java (give .../bin/java or a JDK's home)");
        }
        return java;
    }

    private static StartupReport.Measurement measure(String name, String description, int runs, List<String> command,
                                                     Path agent) throws IOException, InterruptedException {
        List<Double> without = new ArrayList<>();
        List<Double> with = new ArrayList<>();
        for (int i = -1; i < runs; i++) {
            double a = time(command, null);
            double b = time(command, agent);
            if (i >= 0) {
                without.add(a);
                with.add(b);
            }
        }
        return new StartupReport.Measurement(name, description, new Samples(without), new Samples(with));
    }

    private static double time(List<String> command, Path agent) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(command);
        if (agent != null) {
            full.add(1, "-javaagent:" + agent.toAbsolutePath());
        }
        ProcessBuilder builder = new ProcessBuilder(full)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        STRIPPED_ENV.forEach(builder.environment()::remove);
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("the measured JVM did not finish within 120 s: " + full);
        }
        double millis = (System.nanoTime() - start) / 1e6;
        if (process.exitValue() != 0) {
            throw new IOException("the measured JVM failed (exit " + process.exitValue() + "); run it by hand to see why: "
                    + String.join(" ", full));
        }
        return millis;
    }

    private static String javaVersion(Path java, String classPath) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", classPath, Hello.class.getName(), "--version")
                .redirectErrorStream(true);
        STRIPPED_ENV.forEach(builder.environment()::remove);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(java + " could not run the demo's classes: " + output);
        }
        return output;
    }
}
