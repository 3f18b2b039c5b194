package io.httppool.agent.instrumentation;

import io.httppool.agent.log.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.loading.ClassInjector;

/**
 * Defines a library's helper classes inside the class loader that loaded the library, so that code
 * naming the library's types links against the application's own copy of it. Each loader gets its own
 * copy of the helpers, and with it its own static pool registry.
 */
public final class HelperInjector {

    private final String libraryName;
    private final List<String> helperClassNames;
    private final Map<ClassLoader, Boolean> injected = new WeakHashMap<>();
    private volatile Map<String, byte[]> helperBytes;

    public HelperInjector(String libraryName, List<String> helperClassNames) {
        this.libraryName = libraryName;
        this.helperClassNames = helperClassNames;
    }

    /** Injects the helpers into {@code loader} once; false when that is impossible (then leave the library alone). */
    public synchronized boolean injectInto(ClassLoader loader) {
        if (loader == null) {
            return false;
        }
        Boolean done = injected.get(loader);
        if (done != null) {
            return done;
        }
        boolean ok;
        try {
            ClassInjector injector = injectorFor(loader);
            if (injector == null) {
                AgentLog.warnOnce("inject:" + libraryName, "Cannot define helper classes in " + loader
                        + " on this JVM; " + libraryName + " there is left alone (no pooling)", null);
                ok = false;
            } else {
                Map<TypeDescription, byte[]> types = new LinkedHashMap<>();
                for (Map.Entry<String, byte[]> helper : helperBytes().entrySet()) {
                    types.put(new TypeDescription.Latent(helper.getKey(), 0, TypeDescription.Generic.OBJECT), helper.getValue());
                }
                injector.inject(types);
                ok = true;
            }
        } catch (Throwable error) {
            AdviceErrors.record("helper injection for " + libraryName, error);
            ok = false;
        }
        injected.put(loader, ok);
        return ok;
    }

    private static ClassInjector injectorFor(ClassLoader loader) {
        if (ClassInjector.UsingReflection.isAvailable()) {
            return new ClassInjector.UsingReflection(loader);
        }
        if (ClassInjector.UsingUnsafe.isAvailable()) {
            return new ClassInjector.UsingUnsafe(loader);
        }
        return null;
    }

    private Map<String, byte[]> helperBytes() throws IOException {
        Map<String, byte[]> bytes = helperBytes;
        if (bytes == null) {
            bytes = new LinkedHashMap<>();
            ClassLoader own = HelperInjector.class.getClassLoader();
            for (String name : helperClassNames) {
                String resource = name.replace('.', '/') + ".class";
                try (InputStream in = own.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IOException("helper class " + resource + " missing from the agent jar");
                    }
                    bytes.put(name, in.readAllBytes());
                }
            }
            helperBytes = bytes;
        }
        return bytes;
    }
}
