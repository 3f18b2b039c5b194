package io.httppool.demo.startup;

import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;

/**
 * The hello-world JVM the start-up cost is measured on. With {@code --httpclient} it also builds
 * and closes one default client, so the classes the agent instruments get loaded (and transformed).
 */
public final class Hello {

    private Hello() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--httpclient")) {
            try (CloseableHttpClient client = HttpClients.createDefault()) {
                System.out.println("hello, " + client.getClass().getSimpleName());
            }
        } else {
            System.out.println("hello");
        }
    }
}
