package io.httppool.agent.instrumentation.apache5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.httppool.agent.instrumentation.weaving.Hook;
import io.httppool.agent.instrumentation.weaving.HookWeaver;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        WeavingLoader loader = new WeavingLoader(hooks, library.helperClassNames());
        for (Hook hook : hooks) {
            Class.forName(hook.type().replace('/', '.'), true, loader);
        }
        for (Hook hook : hooks) {
            if (!hook.isOptional()) {
                assertEquals(true, loader.applied.containsKey(hook), "hook applied: " + hook);
            }
        }
    }

    @Test
    void wovenBuildersHandOutOneSharedManagerAndClientsCloseWithoutClosingIt() throws Exception {
        Apache5Instrumentation library = new Apache5Instrumentation();
        WeavingLoader loader = new WeavingLoader(library.hooks(), library.helperClassNames());
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

    /** Child first for HttpClient and the helpers: the library copy and its helpers live in this loader. */
    static final class WeavingLoader extends ClassLoader {
        private final Map<String, List<Hook>> hooksByType = new HashMap<>();
        private final List<String> helpers;
        final Map<Hook, Boolean> applied = new java.util.concurrent.ConcurrentHashMap<>();

        WeavingLoader(List<Hook> hooks, List<String> helpers) {
            super(Apache5WeavingTest.class.getClassLoader());
            for (Hook hook : hooks) {
                hooksByType.computeIfAbsent(hook.type(), t -> new java.util.ArrayList<>()).add(hook);
            }
            this.helpers = helpers;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("org.apache.hc.") && !helpers.contains(name)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                byte[] bytes;
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    if (in == null) {
                        throw new ClassNotFoundException(name);
                    }
                    bytes = in.readAllBytes();
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
                List<Hook> hooks = hooksByType.get(name.replace('.', '/'));
                if (hooks != null) {
                    HookWeaver.Result woven = HookWeaver.weave(bytes, hooks);
                    woven.applied().forEach(h -> applied.put(h, true));
                    if (woven.bytes() != null) {
                        bytes = woven.bytes();
                    }
                }
                return defineClass(name, bytes, 0, bytes.length);
            }
        }
    }
}
