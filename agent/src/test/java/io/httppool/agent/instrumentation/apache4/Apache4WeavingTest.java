package io.httppool.agent.instrumentation.apache4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.instrumentation.WeavingTestLoader;
import io.httppool.agent.instrumentation.weaving.Hook;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every HttpClient 4 hook woven into the real library classes (4.5.x on the test class path): each hooked
 * class loads and passes the JVM's verifier, and the woven builders hand out the shared manager as the
 * agent does it in an application's loader. No request is made: the black-box tests (it-tests) do that.
 */
class Apache4WeavingTest {

    private WeavingTestLoader loader;
    private final Apache4Instrumentation library = new Apache4Instrumentation();
    private final List<Hook> hooks = library.hooks();

    @BeforeEach
    void weave() {
        loader = new WeavingTestLoader("org.apache.http.", hooks, library.helperClassNames(),
                Apache4WeavingTest.class.getClassLoader());
    }

    private Class<?> type(String name) throws ClassNotFoundException {
        return Class.forName(name, true, loader);
    }

    private Object builder() throws Exception {
        return type("org.apache.http.impl.client.HttpClientBuilder").getMethod("create").invoke(null);
    }

    private static Object call(Object target, String method, Object... args) throws Exception {
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            for (Method m : type.getDeclaredMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == args.length
                        && java.lang.reflect.Modifier.isPublic(m.getModifiers())) {
                    m.setAccessible(true);
                    return m.invoke(target, args);
                }
            }
        }
        throw new NoSuchMethodException(method);
    }

    private static Object field(Object target, Class<?> declaring, String name) throws Exception {
        Field field = declaring.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
    }

    /** The connection manager a built client uses. */
    private Object managerOf(Object client) throws Exception {
        return field(client, client.getClass(), "connManager");
    }

    private boolean shutDown(Object manager) throws Exception {
        Object pool = field(manager, manager.getClass(), "pool");
        return (Boolean) type("org.apache.http.pool.AbstractConnPool").getMethod("isShutdown").invoke(pool);
    }

    /** Whether requests through {@code manager} go through a managed pool. */
    private boolean routed(Object manager) throws Exception {
        Object route = type("org.apache.http.conn.routing.HttpRoute").getConstructor(type("org.apache.http.HttpHost"))
                .newInstance(type("org.apache.http.HttpHost").getConstructor(String.class).newInstance("example.test"));
        Object request = call(manager, "requestConnection", route, null);
        call(request, "cancel");
        return request.getClass().getSimpleName().equals("Apache4ConnectionRequest");
    }

    @Test
    void everyHookFindsItsMethodAndEveryWovenClassVerifies() throws Exception {
        for (Hook hook : hooks) {
            Class.forName(hook.type().replace('/', '.'), true, loader);
        }
        for (Hook hook : hooks) {
            assertEquals(true, loader.applied(hook), "hook applied: " + hook);
        }
    }

    @Test
    void defaultClientsShareOneManagerTheBuilderStaysUnchangedAndCloseKeepsItOpen() throws Exception {
        Class<?> clients = type("org.apache.http.impl.client.HttpClients");
        Object first = clients.getMethod("createDefault").invoke(null);
        Object second = clients.getMethod("createDefault").invoke(null);
        Object manager = managerOf(first);
        assertSame(manager, managerOf(second), "one managed manager for the default setup");
        assertTrue(routed(manager));
        Object builder = builder();
        Object third = call(builder, "build");
        assertSame(manager, managerOf(third));
        assertNull(field(builder, builder.getClass(), "connManager"), "the builder gets its own field back");
        call(first, "close");
        assertEquals(false, shutDown(manager), "close() of a client leaves the shared manager open");
        assertSame(manager, managerOf(clients.getMethod("createMinimal").invoke(null)), "createMinimal() shares it too");
        assertNotSame(manager, managerOf(clients.getMethod("createSystem").invoke(null)), "useSystemProperties(): its own pool");
    }

    @Test
    void customTlsAndStatelessClientsDoNotShareTheDefaultManager() throws Exception {
        Object shared = managerOf(type("org.apache.http.impl.client.HttpClients").getMethod("createDefault").invoke(null));
        Object context = type("org.apache.http.ssl.SSLContexts").getMethod("createDefault").invoke(null);
        Object custom = call(call(builder(), "setSSLContext", context), "build");
        assertNotSame(shared, managerOf(custom), "another SSLContext, another pool");
        Object stateless = call(call(builder(), "disableConnectionState"), "build");
        Object own = managerOf(stateless);
        assertNotSame(shared, own);
        assertEquals(false, routed(own), "a client without connection state keeps the library's own manager");
        call(stateless, "close");
        assertEquals(true, shutDown(own), "and closes it as without the agent");
    }

    @Test
    void anUntouchedNewManagerIsAdoptedAConfiguredOneIsLeftAlone() throws Exception {
        Class<?> managerType = type("org.apache.http.impl.conn.PoolingHttpClientConnectionManager");
        Object untouched = managerType.getConstructor().newInstance();
        Object client = call(call(builder(), "setConnectionManager", untouched), "build");
        assertSame(untouched, managerOf(client), "the client holds the application's manager");
        assertTrue(routed(untouched), "whose leases go to the default pool");
        call(client, "close");
        assertEquals(false, shutDown(untouched), "close() of its client leaves it (and the pool) open");

        Object configured = managerType.getConstructor().newInstance();
        call(configured, "setMaxTotal", 5);
        call(call(builder(), "setConnectionManager", configured), "build");
        assertEquals(false, routed(configured), "a manager configured before build is left alone");

        Object adoptedThenConfigured = managerType.getConstructor().newInstance();
        call(call(builder(), "setConnectionManager", adoptedThenConfigured), "build");
        assertTrue(routed(adoptedThenConfigured));
        call(adoptedThenConfigured, "setValidateAfterInactivity", 10);
        assertEquals(false, routed(adoptedThenConfigured), "configured after build: its own again");
    }
}
