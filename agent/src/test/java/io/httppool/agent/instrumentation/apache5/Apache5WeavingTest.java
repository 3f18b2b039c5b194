package io.httppool.agent.instrumentation.apache5;

import io.httppool.agent.instrumentation.WeavingTestLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.httppool.agent.instrumentation.weaving.Hook;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every HttpClient 5 hook woven into the real library classes (the version on the test class path): each
 * hooked class loads and passes the JVM's verifier, and the woven code reaches the helpers, which are
 * defined in the same loader as the library, as the agent does it.
 */
class Apache5WeavingTest {

    @Test
    void everyHookFindsItsMethodAndEveryWovenClassVerifies() throws Exception {
        Apache5Instrumentation library = new Apache5Instrumentation();
        List<Hook> hooks = library.hooks();
        WeavingTestLoader loader = new WeavingTestLoader("org.apache.hc.", hooks, library.helperClassNames(), Apache5WeavingTest.class.getClassLoader());
        for (Hook hook : hooks) {
            Class.forName(hook.type().replace('/', '.'), true, loader);
        }
        for (Hook hook : hooks) {
            if (!hook.isOptional()) {
                assertEquals(true, loader.applied(hook), "hook applied: " + hook);
            }
        }
    }

    @Test
    void wovenBuildersHandOutOneSharedManagerAndClientsCloseWithoutClosingIt() throws Exception {
        Apache5Instrumentation library = new Apache5Instrumentation();
        WeavingTestLoader loader = new WeavingTestLoader("org.apache.hc.", library.hooks(), library.helperClassNames(), Apache5WeavingTest.class.getClassLoader());
        Class<?> builder = Class.forName("org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder", true, loader);
        Object first = builder.getMethod("build").invoke(builder.getMethod("create").invoke(null));
        Object second = builder.getMethod("build").invoke(builder.getMethod("create").invoke(null));
        assertSame(first, second, "one managed manager for the default setup");
        first.getClass().getMethod("close").invoke(first);
        assertEquals(false, first.getClass().getMethod("isClosed").invoke(first), "close() of a managed manager is ignored");
        Object custom = builder.getMethod("build").invoke(
                builder.getMethod("setMaxConnTotal", int.class).invoke(builder.getMethod("create").invoke(null), 7));
        assertNotSame(first, custom, "another setup, another pool");
    }
}
