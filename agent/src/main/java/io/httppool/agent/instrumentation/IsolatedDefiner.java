package io.httppool.agent.instrumentation;

import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import jdk.internal.misc.Unsafe;

/**
 * Loaded only by {@link ClassDefiner}'s one-class loader (its copy in the agent's own loader is never
 * used): it names JDK types only, so it links in a loader that sees nothing but the bootstrap classes,
 * and only its module is granted {@code jdk.internal.misc}.
 *
 * <p>It defines classes with a plain call of {@code jdk.internal.misc.Unsafe#defineClass} (the JDK's own
 * internal class, not {@code sun.misc.Unsafe}, so no JVM warning), which is {@code ClassLoader.defineClass}
 * without its checks for {@code java.*} names and signed packages (helpers are neither). Calling
 * {@code ClassLoader.defineClass} by reflection instead costs nothing on JDK 17 but, since JDK 18's
 * reflection runs on method handles, ~30 ms of method-handle classes spun on the first request of a
 * JDK 25 JVM.
 */
public final class IsolatedDefiner {

    private static final Unsafe UNSAFE = Unsafe.getUnsafe();

    private IsolatedDefiner() {
    }

    /**
     * Defines the class; what the JVM throws (a LinkageError for a duplicate, say) comes out as it is. Only
     * what {@code ClassLoader.defineClass} would accept: not into the bootstrap loader, no {@code java.*} name,
     * and the protection domain that method gives a class defined without one (no code source location,
     * the loader's permissions), not the all-permissions null domain.
     */
    public static Class<?> define(ClassLoader loader, String name, byte[] bytes) {
        if (loader == null || name == null || name.startsWith("java.")) {
            throw new IllegalArgumentException("helper classes are defined into an application class loader only: " + name);
        }
        ProtectionDomain domain = new ProtectionDomain(new CodeSource(null, (Certificate[]) null), null, loader, null);
        return UNSAFE.defineClass(name, bytes, 0, bytes.length, loader, domain);
    }
}
