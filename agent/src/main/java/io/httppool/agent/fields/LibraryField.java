package io.httppool.agent.fields;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * An instance field of a library class that the agent reads (a builder's settings, a client's connection
 * manager) or sets, private or not.
 *
 * <p>Why not {@link Field#get} alone: from JDK 18 on (JEP 416) core reflection reads a field through a method
 * handle made on first use, and the first reads of each kind of field (boolean, int, reference...) generate
 * classes on the application thread's first request, in a JVM where the application itself may read no field
 * by reflection. A {@link VarHandle} called with the field's own type links to code the JDK ships, and
 * generates nothing: six fields in a fresh JDK 25, 22-31 ms against 3.4-4.9 ms; the one-call JVM's start-up
 * cost on JDK 25, 155.5 against 127.5 ms by the median of eight alternated rounds (README, Start-up cost).
 * On JDK 17 reflection reads through {@code Unsafe} without generating classes, and a first VarHandle costs ~2 ms
 * more than a first {@code Field.get} (0.7-1.2 ms against 2.5-2.7 ms): there the field is read by reflection.
 */
public final class LibraryField {

    /** JDK 18 made core reflection method-handle based; before, VarHandles are the slower start. */
    private static final boolean VAR_HANDLES = Runtime.version().feature() >= 18;

    private final Field field;
    /** Null when {@link Field} serves (JDK 17). */
    private final VarHandle handle;
    private final Class<?> type;

    private LibraryField(Field field, VarHandle handle) {
        this.field = field;
        this.handle = handle;
        this.type = field.getType();
    }

    /**
     * Instance field {@code field} made readable, through a VarHandle or not as this JDK prefers; null (the caller
     * then treats the value as unknown) for a static field, and when it cannot be made readable: its class's
     * module does not open the package to the agent (JDK 18+: a public field of an exported package too, where
     * JDK 17's reflection could read it; either way the caller goes without).
     */
    public static LibraryField of(Field field) {
        return of(field, VAR_HANDLES);
    }

    /** As {@link #of(Field)}, the way chosen by the caller (tests run both on any JDK). */
    static LibraryField of(Field field, boolean varHandle) {
        if (Modifier.isStatic(field.getModifiers())) {
            return null; // every caller reads instances; a static field's VarHandle takes no receiver
        }
        try {
            // A volatile field is read by reflection everywhere: VarHandle.get is a plain read, Field.get a volatile one.
            if (varHandle && !Modifier.isVolatile(field.getModifiers())) {
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(field.getDeclaringClass(), MethodHandles.lookup());
                return new LibraryField(field, lookup.unreflectVarHandle(field));
            }
            field.setAccessible(true);
            return new LibraryField(field, null);
        } catch (IllegalAccessException | RuntimeException notOpen) {
            return null;
        }
    }

    /**
     * {@code field} made readable, as {@link #of(Field)}; for fields of the library's own classes, open to the agent
     * as every class of an unnamed or automatic module is: {@link IllegalStateException} naming the field when not.
     */
    public static LibraryField required(Field field) {
        LibraryField readable = of(field);
        if (readable == null) {
            throw new IllegalStateException("cannot read " + field + ": its module is not open to the agent");
        }
        return readable;
    }

    /**
     * Instance field {@code name} of class {@code className} as {@code loader} has it (the class is not initialised);
     * null when the class is missing or cannot link there (its own dependencies absent), or as {@link #declared(Class,
     * String)}.
     */
    public static LibraryField declared(String className, ClassLoader loader, String name) {
        try {
            return declared(Class.forName(className, false, loader), name);
        } catch (ClassNotFoundException | RuntimeException | LinkageError missing) {
            return null;
        }
    }

    /** Instance field {@code name} declared by {@code owner}; null when there is none or it cannot be made readable. */
    public static LibraryField declared(Class<?> owner, String name) {
        try {
            return of(owner.getDeclaredField(name));
        } catch (NoSuchFieldException | RuntimeException | LinkageError missing) {
            return null;
        }
    }

    /** Whether reads go through a VarHandle (tests). */
    boolean readsThroughVarHandle() {
        return handle != null;
    }

    public Field field() {
        return field;
    }

    public String name() {
        return field.getName();
    }

    public Class<?> declaringClass() {
        return field.getDeclaringClass();
    }

    /** The value in {@code owner}, primitives boxed, as {@link Field#get} gives it. */
    public Object get(Object owner) {
        if (handle == null) {
            try {
                return field.get(owner);
            } catch (IllegalAccessException cannotHappen) {
                throw new IllegalStateException("cannot read " + field, cannotHappen);
            }
        }
        // Each call has the field's exact type: a VarHandle call of another type would adapt it, which
        // generates the very classes this avoids.
        if (!type.isPrimitive()) {
            return (Object) handle.get(owner);
        } else if (type == boolean.class) {
            return (boolean) handle.get(owner);
        } else if (type == int.class) {
            return (int) handle.get(owner);
        } else if (type == long.class) {
            return (long) handle.get(owner);
        } else if (type == double.class) {
            return (double) handle.get(owner);
        } else if (type == float.class) {
            return (float) handle.get(owner);
        } else if (type == short.class) {
            return (short) handle.get(owner);
        } else if (type == byte.class) {
            return (byte) handle.get(owner);
        } else {
            return (char) handle.get(owner);
        }
    }

    /** The value of a {@code boolean} field in {@code owner}. */
    public boolean getBoolean(Object owner) {
        if (handle == null) {
            try {
                return field.getBoolean(owner);
            } catch (IllegalAccessException cannotHappen) {
                throw new IllegalStateException("cannot read " + field, cannotHappen);
            }
        }
        return (boolean) handle.get(owner);
    }

    /**
     * Sets the field in {@code owner} to {@code value}, a value of the field's own type (boxed for a primitive
     * field): no widening ({@code Integer} into a {@code long}) and never a final field, which {@link Field#set}
     * would allow and a VarHandle refuses.
     */
    public void set(Object owner, Object value) {
        if (handle == null) {
            try {
                field.set(owner, value);
            } catch (IllegalAccessException cannotHappen) {
                throw new IllegalStateException("cannot set " + field, cannotHappen);
            }
            return;
        }
        if (!type.isPrimitive()) {
            handle.set(owner, type.cast(value));
        } else if (type == boolean.class) {
            handle.set(owner, (boolean) (Boolean) value);
        } else if (type == int.class) {
            handle.set(owner, (int) (Integer) value);
        } else if (type == long.class) {
            handle.set(owner, (long) (Long) value);
        } else if (type == double.class) {
            handle.set(owner, (double) (Double) value);
        } else if (type == float.class) {
            handle.set(owner, (float) (Float) value);
        } else if (type == short.class) {
            handle.set(owner, (short) (Short) value);
        } else if (type == byte.class) {
            handle.set(owner, (byte) (Byte) value);
        } else {
            handle.set(owner, (char) (Character) value);
        }
    }

    @Override
    public String toString() {
        return field.toString();
    }
}
