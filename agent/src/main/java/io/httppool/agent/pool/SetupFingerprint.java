package io.httppool.agent.pool;

import io.httppool.agent.fields.LibraryField;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What makes two connection-level setups interchangeable: a value computed from every field of a
 * connection-manager builder (or any other setup object).
 *
 * <p>Security rule: two setups are equal only when nothing could tell their connections apart. So
 * <ul>
 *   <li>plain values (numbers, strings, enums, timeouts) compare by value;</li>
 *   <li>objects whose every field is final (configs, lambdas such as {@code route -> config}, strategy
 *       objects) compare class and fields, recursively;</li>
 *   <li>anything mutable, anything from the JDK ({@code SSLContext}, trust managers, socket factories)
 *       and anything too deep compares by identity: a different trust store instance is a different setup,
 *       even when it might hold the same certificates.</li>
 * </ul>
 * Identity parts hold their object strongly; the number of distinct setups per pool registry is bounded.
 */
public final class SetupFingerprint {

    private static final int MAX_DEPTH = 6;
    private static final int MAX_NODES = 256;
    private static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** Every instance field of a class and its superclasses; null when one cannot be read (compare by identity). */
    private static final ClassValue<LibraryField[]> INSTANCE_FIELDS = new ClassValue<>() {
        @Override
        protected LibraryField[] computeValue(Class<?> type) {
            List<LibraryField> fields = new ArrayList<>();
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers())) {
                        LibraryField readable = LibraryField.of(field);
                        if (readable == null) {
                            return null; // a class of a named module that is not open to us
                        }
                        fields.add(readable);
                    }
                }
            }
            return fields.toArray(new LibraryField[0]);
        }
    };

    private static final ClassValue<Boolean> ALL_FINAL = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            LibraryField[] fields = INSTANCE_FIELDS.get(type);
            if (fields == null) {
                return false;
            }
            for (LibraryField field : fields) {
                if (!Modifier.isFinal(field.field().getModifiers())) {
                    return false;
                }
            }
            return true;
        }
    };

    private final Object value;
    private final int hash;
    private final boolean hasIdentityParts;

    private SetupFingerprint(Object value, boolean hasIdentityParts) {
        this.value = value;
        this.hash = value.hashCode();
        this.hasIdentityParts = hasIdentityParts;
    }

    /** Fingerprints every instance field of {@code setup}, including its class. */
    public static SetupFingerprint of(Object setup) {
        return of(setup, type -> false);
    }

    /**
     * As {@link #of(Object)}, also comparing by value the classes {@code effectivelyImmutable} names:
     * library classes known to have a non-final field that nothing changes after construction.
     */
    public static SetupFingerprint of(Object setup, java.util.function.Predicate<Class<?>> effectivelyImmutable) {
        Walker walker = new Walker(effectivelyImmutable);
        LibraryField[] fields = INSTANCE_FIELDS.get(setup.getClass());
        if (fields == null) {
            return new SetupFingerprint(new Identity(setup), true);
        }
        Object[] parts = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            parts[i] = walker.snapshot(fields[i].get(setup), 1);
        }
        return new SetupFingerprint(new ValueObject(setup.getClass(), parts), walker.identityParts > 0);
    }

    /**
     * A fingerprint composed of the parts of a connection setup that matter to one library (its TLS
     * context, proxy, timeouts...), each compared by the rules above. {@code kind} names what the parts
     * describe, so fingerprints of different libraries never collide.
     */
    public static SetupFingerprint ofParts(String kind, Object... parts) {
        return ofParts(kind, type -> false, parts);
    }

    /**
     * As {@link #ofParts(String, Object...)}, also comparing by value the classes {@code effectivelyImmutable}
     * names (see {@link #of(Object, java.util.function.Predicate)}). A part that is itself a fingerprint (a
     * connection manager's setup inside a client's) compares as that fingerprint.
     */
    public static SetupFingerprint ofParts(String kind, java.util.function.Predicate<Class<?>> effectivelyImmutable,
                                           Object... parts) {
        Walker walker = new Walker(effectivelyImmutable);
        Object[] snapshot = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            snapshot[i] = walker.snapshot(parts[i], 1);
        }
        return new SetupFingerprint(new ValueObject(String.class, new Object[] {kind, new ValueObject(Object[].class, snapshot)}),
                walker.identityParts > 0);
    }

    /** True when some part is compared by identity (an object the application made, such as an SSLContext). */
    public boolean hasIdentityParts() {
        return hasIdentityParts;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SetupFingerprint
                && ((SetupFingerprint) other).hash == hash
                && ((SetupFingerprint) other).value.equals(value);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return value.toString();
    }

    private static final class Walker {
        final java.util.function.Predicate<Class<?>> effectivelyImmutable;
        int nodes;
        int identityParts;

        Walker(java.util.function.Predicate<Class<?>> effectivelyImmutable) {
            this.effectivelyImmutable = effectivelyImmutable;
        }

        Object snapshot(Object value, int depth) {
            if (value == null) {
                return NULL;
            }
            if (++nodes > MAX_NODES) {
                return identity(value);
            }
            if (isPlainValue(value)) {
                return value;
            }
            Class<?> type = value.getClass();
            if (type.isArray()) {
                int length = Array.getLength(value);
                Object[] parts = new Object[length];
                for (int i = 0; i < length; i++) {
                    parts[i] = snapshot(Array.get(value, i), depth + 1);
                }
                return new ValueObject(type, parts);
            }
            if (isJdkType(type) || depth > MAX_DEPTH || !(ALL_FINAL.get(type) || effectivelyImmutable.test(type))) {
                return identity(value);
            }
            LibraryField[] fields = INSTANCE_FIELDS.get(type);
            if (fields == null) {
                return identity(value);
            }
            Object[] parts = new Object[fields.length];
            for (int i = 0; i < fields.length; i++) {
                parts[i] = snapshot(fields[i].get(value), depth + 1);
            }
            return new ValueObject(type, parts);
        }

        private Object identity(Object value) {
            identityParts++;
            return new Identity(value);
        }

        private static boolean isPlainValue(Object value) {
            return value instanceof String || value instanceof Number || value instanceof Boolean
                    || value instanceof Character || value instanceof Enum || value instanceof Class
                    || value instanceof InetAddress || value instanceof InetSocketAddress
                    || value instanceof Proxy || value instanceof URI || value instanceof java.time.Duration
                    || value instanceof SetupFingerprint;
        }

        private static boolean isJdkType(Class<?> type) {
            String name = type.getName();
            return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                    || name.startsWith("sun.") || name.startsWith("com.sun.");
        }
    }

    /** A class and the snapshots of its fields (or an array's elements). */
    private static final class ValueObject {
        private final Class<?> type;
        private final Object[] parts;
        private final int hash;

        ValueObject(Class<?> type, Object[] parts) {
            this.type = type;
            this.parts = parts;
            this.hash = 31 * type.hashCode() + Arrays.hashCode(parts);
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof ValueObject)) {
                return false;
            }
            ValueObject that = (ValueObject) other;
            return hash == that.hash && type == that.type && Arrays.equals(parts, that.parts);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return type.getSimpleName() + Arrays.toString(parts);
        }
    }

    /** Equal only to itself: for objects whose behaviour their fields cannot vouch for. */
    private static final class Identity {
        private final Object target;

        Identity(Object target) {
            this.target = target;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Identity && ((Identity) other).target == target;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(target);
        }

        @Override
        public String toString() {
            return target.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(target));
        }
    }
}
