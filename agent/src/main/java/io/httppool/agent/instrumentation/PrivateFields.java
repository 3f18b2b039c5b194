package io.httppool.agent.instrumentation;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;

/** Reads the private fields of a library's classes that the helpers need (its pool, an entry's holder). */
public final class PrivateFields {

    private PrivateFields() {
    }

    /**
     * A getter {@code (Object) -> Object} for instance field {@code name} of {@code owner}, or null when the
     * class is missing or this version of the library has no such field (the caller then goes without).
     */
    public static MethodHandle getter(Class<?> owner, String name) {
        if (owner == null) {
            return null;
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(owner, MethodHandles.lookup());
            Field reflected = owner.getDeclaredField(name);
            return lookup.unreflectGetter(reflected).asType(MethodType.methodType(Object.class, Object.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
