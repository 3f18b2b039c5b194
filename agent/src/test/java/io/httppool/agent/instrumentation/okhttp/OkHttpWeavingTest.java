package io.httppool.agent.instrumentation.okhttp;

import io.httppool.agent.instrumentation.WeavingTestLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.instrumentation.weaving.Hook;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every OkHttp hook woven into the real OkHttp classes (the version on the test class path) verifies and
 * does its job in-process: builders get the shared pool and a dispatcher of their own, and one client's
 * {@code evictAll()} leaves the shared pool alone.
 */
class OkHttpWeavingTest {

    @Test
    void everyHelperClassIsListedForInjection() throws IOException, URISyntaxException {
        Path dir = Path.of(OkHttpPools.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(OkHttpPools.class.getPackageName().replace('.', '/'));
        Set<String> compiled;
        try (Stream<Path> files = Files.list(dir)) {
            compiled = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.startsWith("OkHttpInstrumentation") && !n.contains("$$Lambda"))
                    .map(n -> OkHttpPools.class.getPackageName() + "." + n.substring(0, n.length() - ".class".length()))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(compiled, new TreeSet<>(new OkHttpInstrumentation().helperClassNames()));
    }

    @Test
    void wovenOkHttpSharesOnePoolAndKeepsEachClientsOwnDispatcher() throws Exception {
        OkHttpInstrumentation library = new OkHttpInstrumentation();
        List<Hook> hooks = library.hooks();
        WeavingTestLoader loader = new WeavingTestLoader("okhttp3.", hooks, library.helperClassNames(), OkHttpWeavingTest.class.getClassLoader());
        for (Hook hook : hooks) {
            Class.forName(hook.type().replace('/', '.'), true, loader);
        }
        for (Hook hook : hooks) {
            assertTrue(hook.isOptional() || loader.applied(hook), "hook applied: " + hook);
        }
        Class<?> client = Class.forName("okhttp3.OkHttpClient", true, loader);
        Object a = client.getConstructor().newInstance();
        Object b = client.getConstructor().newInstance();
        Object poolA = client.getMethod("connectionPool").invoke(a);
        assertEquals(poolA, client.getMethod("connectionPool").invoke(b), "one shared pool");
        assertTrue(client.getMethod("dispatcher").invoke(a) != client.getMethod("dispatcher").invoke(b), "a dispatcher each");
        assertEquals(30_000, client.getMethod("readTimeoutMillis").invoke(a), "the agent's HTTP_READ_TIMEOUT where OkHttp's default stood");
        Object ownBuilder = Class.forName("okhttp3.OkHttpClient$Builder", true, loader).getConstructor().newInstance();
        ownBuilder.getClass().getMethod("readTimeout", long.class, java.util.concurrent.TimeUnit.class)
                .invoke(ownBuilder, 2L, java.util.concurrent.TimeUnit.SECONDS);
        Object own = ownBuilder.getClass().getMethod("build").invoke(ownBuilder);
        assertEquals(2_000, client.getMethod("readTimeoutMillis").invoke(own), "the application's own timeout wins");
        Object executor = client.getMethod("dispatcher").invoke(a).getClass().getMethod("executorService")
                .invoke(client.getMethod("dispatcher").invoke(a));
        ((java.util.concurrent.ExecutorService) executor).shutdown();
        Object otherExecutor = client.getMethod("dispatcher").invoke(b).getClass().getMethod("executorService")
                .invoke(client.getMethod("dispatcher").invoke(b));
        assertEquals(true, ((java.util.concurrent.ExecutorService) executor).isShutdown());
        assertEquals(false, ((java.util.concurrent.ExecutorService) otherExecutor).isShutdown(),
                "one client's dispatcher shut down leaves the others' running");
        poolA.getClass().getMethod("evictAll").invoke(poolA); // ignored for the shared pool: must not throw
    }
}
