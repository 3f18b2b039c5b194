package io.httppool.agent.fields;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both ways of reading run on any JDK: each must read and set every kind of field as {@link Field} does. */
class LibraryFieldTest {

    /** Stands for a library class: private fields of every kind. */
    @SuppressWarnings("unused")
    private static final class Target {
        private boolean flag = true;
        private byte smallByte = 7;
        private short smallShort = -300;
        private char letter = 'q';
        private int count = 42;
        private long big = 1L << 40;
        private float ratio = 1.5f;
        private double precise = 2.25;
        private Object reference = "text";
        private String absent;
        private final String fixed = "final";
        private volatile int changing = 9;
        private static int shared = 1;
    }

    /** A loader of its own for a copy of a class: another unnamed module, as a library's loader is. */
    private static final class OtherLoader extends ClassLoader {
        OtherLoader() {
            super(null);
        }

        Class<?> copyOf(Class<?> type) throws IOException {
            try (InputStream in = type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
                byte[] bytes = in.readAllBytes();
                return defineClass(type.getName(), bytes, 0, bytes.length);
            }
        }
    }

    private static final String[] ALL = {"flag", "smallByte", "smallShort", "letter", "count", "big", "ratio", "precise",
            "reference", "absent", "fixed", "changing"};

    private static LibraryField field(String name, boolean varHandle) throws NoSuchFieldException {
        LibraryField field = LibraryField.of(Target.class.getDeclaredField(name), varHandle);
        assertNotNull(field, name);
        return field;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void readsEveryKindOfFieldAsReflectionDoes(boolean varHandle) throws Exception {
        Target target = new Target();
        for (String name : ALL) {
            Field reflected = Target.class.getDeclaredField(name);
            reflected.setAccessible(true);
            assertEquals(reflected.get(target), field(name, varHandle).get(target), name);
        }
        assertTrue(field("flag", varHandle).getBoolean(target));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void setsEveryKindOfMutableField(boolean varHandle) throws Exception {
        Target from = new Target();
        from.flag = false;
        from.smallByte = -1;
        from.smallShort = 12;
        from.letter = 'z';
        from.count = -5;
        from.big = -(1L << 50);
        from.ratio = -0.5f;
        from.precise = 1e-9;
        from.reference = new Object();
        from.absent = "set";
        from.changing = 77;
        Target to = new Target();
        for (String name : ALL) {
            if (!name.equals("fixed")) {
                LibraryField field = field(name, varHandle);
                field.set(to, field.get(from));
            }
        }
        for (String name : ALL) {
            assertEquals(field(name, false).get(from), field(name, false).get(to), name);
        }
        assertSame(from.reference, to.reference);
    }

    @Test
    void aVarHandleIsUsedOnlyWhereItReadsAsReflectionDoes() throws Exception {
        assertTrue(field("count", true).readsThroughVarHandle(), "a plain field through a VarHandle when asked");
        assertFalse(field("count", false).readsThroughVarHandle());
        // VarHandle.get is a plain read, Field.get of a volatile field a volatile one.
        assertFalse(field("changing", true).readsThroughVarHandle(), "a volatile field is read by reflection");
        boolean methodHandleReflection = Runtime.version().feature() >= 18;
        assertEquals(methodHandleReflection, LibraryField.of(Target.class.getDeclaredField("count")).readsThroughVarHandle(),
                "VarHandles where reflection itself is made of method handles (JDK 18+), reflection before");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aFieldOfAModuleNotOpenToTheAgentIsNotReadable(boolean varHandle) throws Exception {
        assertNull(LibraryField.of(ArrayList.class.getDeclaredField("size"), varHandle));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void readsAndSetsAClassOfAnotherLoaderAndModule(boolean varHandle) throws Exception {
        Class<?> elsewhere = new OtherLoader().copyOf(Target.class);
        assertNotSame(Target.class, elsewhere);
        assertNotSame(LibraryField.class.getModule(), elsewhere.getModule());
        Constructor<?> make = elsewhere.getDeclaredConstructor();
        make.setAccessible(true);
        Object target = make.newInstance();
        LibraryField count = LibraryField.of(elsewhere.getDeclaredField("count"), varHandle);
        assertEquals(varHandle, count.readsThroughVarHandle());
        assertEquals(42, count.get(target));
        count.set(target, 7);
        assertEquals(7, count.get(target));
        assertEquals("text", LibraryField.of(elsewhere.getDeclaredField("reference"), varHandle).get(target));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aStaticFieldIsNotOneToRead(boolean varHandle) throws Exception {
        assertNull(LibraryField.of(Target.class.getDeclaredField("shared"), varHandle));
    }

    @Test
    void aMissingFieldIsNull() {
        assertNull(LibraryField.declared(Target.class, "noSuchField"));
        ClassLoader loader = Target.class.getClassLoader();
        assertNull(LibraryField.declared("io.httppool.agent.fields.NoSuchType", loader, "count"));
        assertEquals(42, LibraryField.declared(Target.class.getName(), loader, "count").get(new Target()));
        assertEquals(42, LibraryField.declared(Target.class, "count").get(new Target()));
    }
}
