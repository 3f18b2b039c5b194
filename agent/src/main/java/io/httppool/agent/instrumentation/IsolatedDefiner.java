package io.httppool.agent.instrumentation;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;

/**
 * Loaded only by {@link ClassDefiner}'s one-class loader (its copy in the agent's own loader is never
 * used): it names JDK types only, so it links in a loader that sees nothing but the bootstrap classes,
 * and only its module is allowed to make {@code ClassLoader.defineClass} accessible.
 */
public final class IsolatedDefiner {

    private static final Method DEFINE_CLASS = defineClassMethod();

    private IsolatedDefiner() {
    }

    private static Method defineClassMethod() {
        try {
            Method method = ClassLoader.class.getDeclaredMethod("defineClass",
                    String.class, byte[].class, int.class, int.class, ProtectionDomain.class);
            method.setAccessible(true);
            return method;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Defines the class; what {@code defineClass} throws (a LinkageError for a duplicate, say) comes out unwrapped. */
    public static Class<?> define(ClassLoader loader, String name, byte[] bytes) throws ReflectiveOperationException {
        try {
            return (Class<?>) DEFINE_CLASS.invoke(loader, name, bytes, 0, bytes.length, null);
        } catch (InvocationTargetException thrown) {
            Throwable cause = thrown.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw thrown;
        }
    }
}
