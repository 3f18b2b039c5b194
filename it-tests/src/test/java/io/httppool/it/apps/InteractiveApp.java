package io.httppool.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/**
 * A per-request-client application driven by stdin, one command per line, one result line per
 * command, so a test can change the upstream (restart it, wait for idle close...) between requests.
 *
 * <pre>
 * REQ &lt;mode&gt; &lt;METHOD&gt; &lt;url&gt; [body]   a new client of that habit, one request, close
 *     -> OK &lt;status&gt; &lt;url-encoded body&gt;  |  ERR &lt;exception class&gt; &lt;url-encoded message&gt;
 * SEQ &lt;mode&gt; &lt;METHOD&gt; &lt;url1&gt; &lt;url2&gt;  ONE client for two requests (a control: its cookie does travel)
 *     -> the second request's result (or the first one's ERR)
 * OPEN &lt;name&gt; &lt;mode&gt;                 a long-lived client (not the per-request habit: for controls)
 * USE &lt;name&gt; &lt;METHOD&gt; &lt;url&gt; [body]   a request on it (response closed, client kept)
 * CLOSE &lt;name&gt;
 * QUIT
 * </pre>
 * Prints {@code READY} once started. Program arguments: the habit options of {@link Habits}.
 */
public final class InteractiveApp {

    public static void main(String[] args) throws Exception {
        Habits habits = new Habits(Exchange.options(args));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        java.util.Map<String, CloseableHttpClient> clients = new java.util.HashMap<>();
        System.out.println("READY");
        System.out.flush();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] p = line.split(" ", 5);
            String result;
            try {
                switch (p[0]) {
                    case "QUIT":
                        System.out.println("BYE");
                        System.out.flush();
                        return;
                    case "REQ":
                        Habits.check(p[1]);
                        result = Exchange.perRequest(habits, p[1], p[2], p[3], p.length > 4 ? p[4] : null).line();
                        break;
                    case "OPEN":
                        Habits.check(p[2]);
                        clients.put(p[1], habits.newClient(p[2]));
                        result = "OK 0 opened";
                        break;
                    case "USE":
                        result = Exchange.withClient(clients.get(p[1]), p[2], p[3], p.length > 4 ? p[4] : null).line();
                        break;
                    case "CLOSE":
                        clients.remove(p[1]).close();
                        result = "OK 0 closed";
                        break;
                    case "SEQ":
                        Habits.check(p[1]);
                        result = sequence(habits, p[1], p[2], p[3], p[4]);
                        break;
                    default:
                        result = "ERR " + IllegalArgumentException.class.getName() + " unknown+command";
                }
            } catch (RuntimeException | java.io.IOException e) {
                result = "ERR " + e.getClass().getName() + " " + Exchange.enc(String.valueOf(e.getMessage()));
            }
            System.out.println(result);
            System.out.flush();
        }
    }

    private static String sequence(Habits habits, String mode, String method, String url1, String url2)
            throws java.io.IOException {
        try (CloseableHttpClient client = habits.newClient(mode)) {
            Exchange.Outcome first = Exchange.withClient(client, method, url1, null);
            if (!first.ok()) {
                return first.line();
            }
            return Exchange.withClient(client, method, url2, null).line();
        }
    }
}
