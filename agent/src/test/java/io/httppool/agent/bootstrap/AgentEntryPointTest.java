package io.httppool.agent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which JVMs the entry point lets the agent start on, read from {@code java.specification.version}. */
class AgentEntryPointTest {

    @ParameterizedTest
    @ValueSource(strings = {"1.6", "1.8", "9", "11", "16"})
    void olderJavasGetOneLineAndNoAgent(String version) {
        assertEquals("needs Java 17 or later, this JVM is Java " + version
                + ": pooling OFF, the application runs without the agent", AgentEntryPoint.tooOld(version));
    }

    @ParameterizedTest
    @ValueSource(strings = {"17", "21", "25", "26.1", "not-a-version", ""})
    void java17AndLaterOrAnUnreadableVersionStartTheAgent(String version) {
        assertNull(AgentEntryPoint.tooOld(version));
    }

    /**
     * An older Java cannot load {@link AgentInstaller} (a Java 17 class file): the entry point must run its
     * "needs Java 17" path without the JVM resolving that class. Here the entry point is defined alone, in a loader
     * where AgentInstaller does not exist; the control run (Java 17) shows the class is then missing indeed.
     */
    @Test
    void anOlderJavasPathNeverResolvesTheJava17Installer() throws Exception {
        Method start = entryPointWithoutInstaller().getDeclaredMethod("start",
                String.class, String.class, Instrumentation.class, boolean.class);
        start.setAccessible(true);

        String older = stderrOf(() -> start.invoke(null, "11", null, null, false));
        assertEquals("[http-pool-agent] needs Java 17 or later, this JVM is Java 11: pooling OFF, the application"
                + " runs without the agent", older.trim());

        String control = stderrOf(() -> start.invoke(null, "17", null, null, false));
        assertTrue(control.contains("could not start, pooling OFF") && control.contains("NoClassDefFoundError")
                && control.contains("AgentInstaller"), control);
    }

    private static Class<?> entryPointWithoutInstaller() throws Exception {
        String name = AgentEntryPoint.class.getName();
        byte[] bytes;
        try (InputStream in = AgentEntryPoint.class.getResourceAsStream("AgentEntryPoint.class")) {
            bytes = in.readAllBytes();
        }
        ClassLoader alone = new ClassLoader(ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String wanted) throws ClassNotFoundException {
                if (wanted.equals(name)) {
                    return defineClass(name, bytes, 0, bytes.length);
                }
                throw new ClassNotFoundException(wanted);
            }
        };
        return Class.forName(name, true, alone);
    }

    private interface Action {
        void run() throws Exception;
    }

    private static synchronized String stderrOf(Action action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
