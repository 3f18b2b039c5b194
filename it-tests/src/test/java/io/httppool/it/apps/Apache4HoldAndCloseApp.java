package io.httppool.it.apps;

import java.util.ArrayList;
import java.util.List;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/**
 * HttpClient 4: {@code requests=N} times a new {@code createDefault()} client whose response is neither read
 * nor closed, but kept (so no garbage collection can give its connection back), then the client is closed.
 * Without the agent, {@code close()} shuts the client's own pool down and that connection with it. Prints
 * {@code RESULT successes=.. failures=..} and the first failure.
 */
public final class Apache4HoldAndCloseApp {

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> o = Exchange.options(args);
        int requests = Integer.parseInt(o.getOrDefault("requests", "10"));
        String url = o.get("url");
        List<CloseableHttpResponse> held = new ArrayList<>();
        int successes = 0;
        String firstFailure = "-";
        for (int i = 0; i < requests; i++) {
            CloseableHttpClient client = HttpClients.createDefault();
            try {
                CloseableHttpResponse response = client.execute(new HttpGet(url));
                held.add(response);
                if (response.getStatusLine().getStatusCode() == 200) {
                    successes++;
                }
            } catch (Exception e) {
                if ("-".equals(firstFailure)) {
                    firstFailure = e.getClass().getName();
                    e.printStackTrace();
                }
            } finally {
                client.close();
            }
        }
        System.out.println("RESULT mode=hold-and-close base=" + url + " requests=" + requests + " successes=" + successes
                + " failures=" + (requests - successes) + " firstFailure=" + firstFailure + " held=" + held.size());
    }
}
