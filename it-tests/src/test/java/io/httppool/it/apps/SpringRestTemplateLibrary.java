package io.httppool.it.apps;

import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.HttpStatusCodeException;
import org.springframework.web.client.RestTemplate;

/**
 * Spring Framework 5's {@code new RestTemplate(new HttpComponentsClientHttpRequestFactory())} per request
 * (the factory makes an HttpClient 4.5 client with {@code HttpClients.createSystem()}), the well-known
 * habit. {@code closing} also calls the factory's {@code destroy()}, which closes that client; the others
 * drop it unclosed, as such code does.
 */
final class SpringRestTemplateLibrary implements ClientLibrary {

    @Override
    public Object newClient(String habit) {
        if (!"default".equals(habit) && !"closing".equals(habit) && !"cookies".equals(habit)) {
            throw new IllegalArgumentException("unknown habit '" + habit + "'");
        }
        return new RestTemplate(new HttpComponentsClientHttpRequestFactory());
    }

    @Override
    public Exchange.Outcome withClient(Object client, String method, String url, String body) {
        try {
            ResponseEntity<String> response = ((RestTemplate) client).exchange(url, HttpMethod.valueOf(method),
                    body == null ? null : new HttpEntity<>(body), String.class);
            return new Exchange.Outcome(response.getStatusCodeValue(), response.getBody() == null ? "" : response.getBody(), null);
        } catch (HttpStatusCodeException status) {
            return new Exchange.Outcome(status.getRawStatusCode(), status.getResponseBodyAsString(), null);
        } catch (RuntimeException e) {
            return new Exchange.Outcome(0, null, e);
        }
    }

    @Override
    public void close(Object client) {
        try {
            ((HttpComponentsClientHttpRequestFactory) ((RestTemplate) client).getRequestFactory()).destroy();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
