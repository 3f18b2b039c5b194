package io.httppool.it.apps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * Several workloads in one JVM, for the fault-injection test: argument groups separated by {@code --},
 * each printing {@code RESULT} lines like {@link LoadApp} (mode, base, successes, failures, failureTypes,
 * statuses, digest):
 * <ul>
 *   <li>a group of {@link LoadApp} arguments: that run;</li>
 *   <li>{@code phase=leak url=U requests=N}: N GETs whose response and client are dropped unclosed and
 *       unread (leaks, issue 3), then a few collections so the agent's leak reclaimer runs;</li>
 *   <li>{@code phase=reconfigure url=U requests=N}: N clients on a manager the application reconfigures
 *       after building it ({@code setDefaultSocketConfig}), a GET each.</li>
 * </ul>
 */
public final class FaultLoadApp {

    public static void main(String[] args) throws Exception {
        List<String> group = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--")) {
                phase(group);
                group.clear();
            } else {
                group.add(arg);
            }
        }
        phase(group);
        System.out.flush();
    }

    private static void phase(List<String> group) throws Exception {
        if (group.isEmpty()) {
            return;
        }
        Map<String, String> o = Exchange.options(group.toArray(new String[0]));
        String phase = o.getOrDefault("phase", "load");
        switch (phase) {
            case "load" -> LoadApp.main(group.toArray(new String[0]));
            case "leak" -> leak(o.get("url"), Integer.parseInt(o.getOrDefault("requests", "20")));
            case "reconfigure" -> reconfigure(o.get("url"), Integer.parseInt(o.getOrDefault("requests", "5")));
            default -> throw new IllegalArgumentException("unknown phase " + phase);
        }
    }

    @SuppressWarnings({"deprecation", "resource"})
    private static void leak(String url, int requests) throws Exception {
        String[] outcomes = new String[requests];
        for (int i = 0; i < requests; i++) {
            try {
                CloseableHttpClient client = HttpClients.createDefault();
                CloseableHttpResponse response = client.execute(new HttpGet(url));
                outcomes[i] = i + " " + response.getCode();
            } catch (Exception e) {
                outcomes[i] = i + " " + e.getClass().getName();
                failed(e);
            }
        }
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
        }
        result("leak", url, outcomes);
    }

    private static void reconfigure(String url, int requests) throws Exception {
        String[] outcomes = new String[requests];
        for (int i = 0; i < requests; i++) {
            PoolingHttpClientConnectionManager manager = PoolingHttpClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(7)
                    .build();
            manager.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(Timeout.ofSeconds(30)).build());
            try (CloseableHttpClient client = HttpClients.custom().setConnectionManager(manager).build()) {
                Exchange.Outcome out = Exchange.withClient(client, "GET", url, null);
                outcomes[i] = out.ok() ? i + " " + out.status + " " + out.body : i + " " + out.error.getClass().getName();
                if (!out.ok()) {
                    failed(out.error);
                }
            }
        }
        result("reconfigure", url, outcomes);
    }

    private static void failed(Throwable error) {
        synchronized (System.err) {
            System.err.println("FaultLoadApp: request failed:");
            error.printStackTrace();
        }
    }

    private static void result(String mode, String base, String[] outcomes) throws Exception {
        int successes = 0;
        Map<String, Integer> failures = new TreeMap<>();
        Map<String, Integer> statuses = new TreeMap<>();
        for (String outcome : outcomes) {
            String second = outcome.split(" ")[1];
            if (second.matches("\\d+")) {
                successes++;
                statuses.merge(second, 1, Integer::sum);
            } else {
                failures.merge(second, 1, Integer::sum);
            }
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(String.join("\n", Arrays.asList(outcomes)).getBytes(StandardCharsets.UTF_8));
        System.out.println("RESULT mode=" + mode + " base=" + base + " requests=" + outcomes.length
                + " successes=" + successes + " failures=" + (outcomes.length - successes)
                + " failureTypes=" + join(failures) + " statuses=" + join(statuses)
                + " digest=" + HexFormat.of().formatHex(sha.digest()).substring(0, 24));
    }

    private static String join(Map<String, Integer> counts) {
        if (counts.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        counts.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append(':').append(v));
        return sb.toString();
    }
}
