package io.httppool.demo;

import io.httppool.demo.backend.BackendCommand;
import io.httppool.demo.common.Args;
import io.httppool.demo.common.DemoJar;
import io.httppool.demo.compare.CompareCommand;
import io.httppool.demo.load.LoadCommand;
import io.httppool.demo.proxy.ProxyCommand;
import io.httppool.demo.startup.StartupCommand;
import java.util.Arrays;

/** {@code java -jar demo-app.jar <command> [options]}. */
public final class Main {

    private static final String USAGE = """
            usage: java -jar demo-app/target/demo-app.jar <command> [options]

              compare  [--client apache5|jdk|okhttp|apache4|apache5-async] [--seconds 6] [--warmup 8]
                       [--max-warmup 60] [--concurrency 16] [--out demo-results] [--agent-jar PATH]
                       [--schemes http,https]
                       [--runs before,after,reference,toggled-off]
                       [--repeat 1]  (with N > 1 each run N times, the median-throughput run reported)
                       Runs every variant of the proxy against the backend, each proxy in a fresh JVM:
                       start-up, one first request, warm-up, then the measured (steady-state) window.
                       The warm-up lasts from --warmup until the proxy's JIT compiler has been idle
                       for 5 s, at most --max-warmup seconds.
                       Prints a table and writes OUT/report.json and OUT/report.html. --client picks
                       the library the proxy forwards with (per request naive, shared in reference).

              backend  [--http-port 0] [--https-port 0] [--admin-port 0] [--tls-dir DIR]
                       The upstream session backend (HTTP and HTTPS, self-signed certificate).
              proxy    --upstream http(s)://127.0.0.1:PORT [--client apache5] [--mode naive|pooled] [--port 0]
                       [--threads 32]
                       The session proxy; naive = a new client per request, pooled = the hand fix.
              load     --url http://127.0.0.1:PORT [--concurrency 16] [--seconds 6] [--warmup 2]
                       [--max-warmup N (default: --warmup)] [--stats-url URL] [--result FILE]
                       Closed-loop load against the proxy. With --max-warmup above --warmup and a
                       --stats-url, the warm-up goes on until the proxy's JIT has been idle for 5 s.
              startup  [--runs 15] [--agent-jar PATH] [--client apache5] [--java PATH]
                       [--jvm-option OPTION]... [--out demo-results]
                       The agent's start-up cost: a hello-world JVM and a JVM that makes one GET with
                       the client's per-request habit, alternately without and with the agent;
                       min/median/max, printed and written to OUT/startup.json. Each --jvm-option
                       (e.g. -XX:SharedArchiveFile=FILE) is given to both sides; one that starts
                       with -- is written --jvm-option=--add-modules=...

            The agent jar defaults to ../../agent/target/http-pool-agent.jar relative to the demo jar.
            """;

    private Main() {
    }

    public static void main(String[] argv) {
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help") || argv[0].equals("-h")) {
            System.out.print(USAGE);
            return;
        }
        String command = argv[0];
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        try {
            Args args = Args.parse(rest);
            switch (command) {
                case "compare" -> CompareCommand.run(args);
                case "backend" -> BackendCommand.run(args);
                case "proxy" -> ProxyCommand.run(args);
                case "load" -> LoadCommand.run(args);
                case "startup" -> StartupCommand.run(args);
                default -> throw new Args.UsageException("unknown command '" + command + "'");
            }
        } catch (Args.UsageException | DemoJar.MissingAgentJarException e) {
            System.err.println("demo-app " + command + ": " + e.getMessage());
            System.err.println("run `java -jar demo-app.jar help` for the commands and options");
            System.exit(2);
        } catch (Exception e) {
            System.err.println("demo-app " + command + " failed: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
    }
}
