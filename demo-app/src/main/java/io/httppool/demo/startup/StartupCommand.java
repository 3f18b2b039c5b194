package io.httppool.demo.startup;

import io.httppool.demo.common.Args;
import io.httppool.demo.common.DemoJar;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code startup [--runs 15] [--agent-jar PATH]}: the agent's start-up cost, as the difference of
 * the median wall-clock times of a hello-world JVM with and without {@code -javaagent}.
 *
 * <p>A whole JVM is timed from the outside because that is what the user waits for: premain,
 * Byte Buddy's set-up and any class transformation included. Runs alternate with and without the
 * agent so that drift on a busy machine hits both sides alike, and the first pair is discarded
 * (cold file cache). Measured twice: a plain hello world, and one that also builds an HttpClient,
 * which adds the cost of transforming the instrumented classes.
 */
public final class StartupCommand {

    private StartupCommand() {
    }

    public static void run(Args args) throws Exception {
        int runs = args.integer("runs", 15, 3, 1000);
        String agentOption = args.string("agent-jar", null);
        args.rejectUnknown();

        Path agent = DemoJar.agentJar(agentOption);
        String classPath = DemoJar.classPath();

        System.out.printf("startup: %d runs each, alternating, hello-world JVM with and without -javaagent:%s%n",
                runs, agent);
        for (boolean httpClient : new boolean[] {false, true}) {
            double[] without = new double[runs];
            double[] with = new double[runs];
            for (int i = -1; i < runs; i++) {
                double a = time(classPath, null, httpClient);
                double b = time(classPath, agent, httpClient);
                if (i >= 0) {
                    without[i] = a;
                    with[i] = b;
                }
            }
            double medianWithout = median(without);
            double medianWith = median(with);
            System.out.printf(Locale.ROOT, "%-32s without agent %6.0f ms   with agent %6.0f ms   agent start-up cost %+6.0f ms (medians)%n",
                    httpClient ? "hello world + HttpClient build:" : "hello world:", medianWithout, medianWith,
                    medianWith - medianWithout);
        }
    }

    private static double time(String classPath, Path agent, boolean httpClient) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (agent != null) {
            command.add("-javaagent:" + agent.toAbsolutePath());
        }
        command.addAll(List.of("-cp", classPath, Hello.class.getName()));
        if (httpClient) {
            command.add("--httpclient");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("hello-world JVM did not finish within 60 s: " + command);
        }
        double millis = (System.nanoTime() - start) / 1e6;
        if (process.exitValue() != 0) {
            throw new IOException("hello-world JVM failed (exit " + process.exitValue() + "): " + command);
        }
        return millis;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
