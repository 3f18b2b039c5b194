package io.httppool.agent.instrumentation.apache5;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers {@code VersionInfo.getSoftwareInfo(name, package, class)}, the default User-Agent string that
 * every {@code HttpClientBuilder.build()} recomputes by reading a properties file out of the library's jar.
 * With connections pooled, that read was the largest cost left in a per-request client (about a tenth of
 * the CPU of a request on loopback). The answer depends only on its arguments, the jar and the Java
 * version, none of which change while the JVM runs, so the cached string is the one the library would
 * compute. JDK types only: this class may live in the loader of httpcore, below httpclient's.
 */
public final class Apache5SoftwareInfoCache {

    private static final int MAX_ENTRIES = 64;
    private static final Map<Key, String> CACHE = new ConcurrentHashMap<>();

    /** Cheap to build and compare: the strings are the library's constants, the loader compares by identity. */
    private record Key(String name, String pkg, ClassLoader loader) {
    }

    private Apache5SoftwareInfoCache() {
    }

    /** The remembered answer, or null to let the library compute it. */
    public static String lookup(String name, String pkg, Class<?> cls) {
        return CACHE.get(key(name, pkg, cls));
    }

    public static void remember(String name, String pkg, Class<?> cls, String info) {
        if (info != null && CACHE.size() < MAX_ENTRIES) {
            CACHE.putIfAbsent(key(name, pkg, cls), info);
        }
    }

    private static Key key(String name, String pkg, Class<?> cls) {
        return new Key(name, pkg, cls != null ? cls.getClassLoader() : null);
    }
}
