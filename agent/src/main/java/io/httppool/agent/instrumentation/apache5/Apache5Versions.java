package io.httppool.agent.instrumentation.apache5;

import java.lang.reflect.Method;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;

/**
 * Chooses the {@link Apache5VersionApi} for the copy of HttpClient 5 in this class loader, by the method
 * 5.2 added to the connection manager builder: the same test the agent applies to the class file before it
 * defines the 5.2+ helpers at all ({@link Apache5Instrumentation#helpersRequiring()}); in the agent's own class
 * loader, where no helper is defined, this choice alone keeps them unloaded on 5.0 and 5.1. A member of the
 * class actually loaded, not the presence of some class: a class path mixing two versions must not mislead it.
 */
final class Apache5Versions {

    static final String SINCE_5_2 = "org/apache/hc/client5/http/impl/io/PoolingHttpClientConnectionManagerBuilder#setConnectionConfigResolver";

    static final Apache5VersionApi API = choose();

    private Apache5Versions() {
    }

    private static Apache5VersionApi choose() {
        String method = SINCE_5_2.substring(SINCE_5_2.indexOf('#') + 1);
        for (Method candidate : PoolingHttpClientConnectionManagerBuilder.class.getMethods()) {
            if (candidate.getName().equals(method)) {
                return new Apache5Api52();
            }
        }
        return new Apache5Api50();
    }
}
