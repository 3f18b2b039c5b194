package io.httppool.demo.proxy;

import io.httppool.demo.common.Args;
import io.httppool.demo.common.ParentWatch;
import io.httppool.demo.common.ReadyLine;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code proxy --upstream http(s)://127.0.0.1:PORT [--client apache5|jdk|okhttp|apache4|apache5-async]
 * [--mode naive|pooled] [--port 0] [--threads 32]}.
 *
 * <p>For an HTTPS upstream start the JVM with the trust store the backend printed
 * ({@code -Djavax.net.ssl.trustStore=...}).
 */
public final class ProxyCommand {

    private ProxyCommand() {
    }

    public static void run(Args args) throws Exception {
        URI upstream = URI.create(args.required("upstream"));
        ProxyMode mode;
        try {
            mode = ProxyMode.parse(args.string("mode", "naive"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        UpstreamClient client;
        try {
            client = UpstreamClient.parse(args.string("client", UpstreamClient.APACHE5.cliName()));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        int port = args.integer("port", 0, 0, 65535);
        int threads = args.integer("threads", 32, 1, 4096);
        boolean exitWithParent = args.flag("exit-with-parent");
        args.rejectUnknown();
        if (upstream.getScheme() == null || !upstream.getScheme().matches("https?") || upstream.getHost() == null) {
            throw new Args.UsageException("--upstream must look like http://host:port or https://host:port, not " + upstream);
        }

        SessionProxy proxy = SessionProxy.start(port, upstream, client, mode, threads);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                proxy.close();
            } catch (Exception ignored) {
                // the JVM is going away anyway
            }
        }, "proxy-shutdown"));
        if (exitWithParent) {
            ParentWatch.exitWhenStdinCloses();
        }
        Map<String, String> ready = new LinkedHashMap<>();
        ready.put("role", "proxy");
        ready.put("port", String.valueOf(proxy.port()));
        ready.put("mode", mode.cliName());
        ready.put("client", client.cliName());
        ready.put("upstream", upstream.toString());
        System.out.println(ReadyLine.format(ready));
        System.out.println("session proxy (" + client.cliName() + ", " + mode.cliName() + "): http://127.0.0.1:" + proxy.port()
                + "/sessions/{id}/... -> " + upstream + "   stats: http://127.0.0.1:" + proxy.port() + "/admin/stats");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
