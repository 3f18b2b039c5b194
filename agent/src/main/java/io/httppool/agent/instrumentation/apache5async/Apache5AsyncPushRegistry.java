package io.httppool.agent.instrumentation.apache5async;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.core5.function.Supplier;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncPushConsumer;
import org.apache.hc.core5.http.nio.HandlerFactory;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.URIAuthority;

/**
 * The push consumers one application client registered with the deprecated {@code register(host, pattern,
 * supplier)}: the library keeps them per client (on its connections); here they answer the pushes of that
 * client's own requests, after any handler factory the request itself brings.
 */
@SuppressWarnings("deprecation")
final class Apache5AsyncPushRegistry {

    private final org.apache.hc.core5.http.protocol.UriPatternMatcher<Supplier<AsyncPushConsumer>> primary =
            new org.apache.hc.core5.http.protocol.UriPatternMatcher<>();
    private final Map<String, org.apache.hc.core5.http.protocol.UriPatternMatcher<Supplier<AsyncPushConsumer>>> byHost =
            new ConcurrentHashMap<>();

    void register(String hostname, String uriPattern, Supplier<AsyncPushConsumer> supplier) {
        org.apache.hc.core5.util.Args.notBlank(uriPattern, "URI pattern");
        org.apache.hc.core5.util.Args.notNull(supplier, "Supplier");
        if (hostname == null) {
            primary.register(uriPattern, supplier);
        } else {
            byHost.computeIfAbsent(hostname.toLowerCase(Locale.ROOT), h -> new org.apache.hc.core5.http.protocol.UriPatternMatcher<>())
                    .register(uriPattern, supplier);
        }
    }

    /** The request's own handler factory first, then this client's registrations. */
    HandlerFactory<AsyncPushConsumer> after(HandlerFactory<AsyncPushConsumer> own) {
        return (HttpRequest request, HttpContext context) -> {
            AsyncPushConsumer consumer = own != null ? own.create(request, context) : null;
            return consumer != null ? consumer : lookup(request);
        };
    }

    private AsyncPushConsumer lookup(HttpRequest request) {
        URIAuthority authority = request.getAuthority();
        org.apache.hc.core5.http.protocol.UriPatternMatcher<Supplier<AsyncPushConsumer>> matcher =
                authority != null ? byHost.getOrDefault(authority.getHostName().toLowerCase(Locale.ROOT), primary) : primary;
        String path = request.getPath();
        int query = path != null ? path.indexOf('?') : -1;
        Supplier<AsyncPushConsumer> supplier = matcher.lookup(query >= 0 ? path.substring(0, query) : path);
        return supplier != null ? supplier.get() : null;
    }
}
