package io.httppool.agent.instrumentation;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;

/**
 * Reads the private fields of a library's classes that the helpers read per request or per connection (its pool,
 * an entry's holder, an entry's creation time), through a getter each helper holds in a {@code static final}
 * field: the JIT treats that method handle as a constant and inlines the read. Fields read while a client or pool
 * is set up go through {@link io.httppool.agent.fields.LibraryField} instead, which generates no adapter on first
 * use but reads through a handle held in an instance field, which the JIT does not treat as a constant.
 */
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
