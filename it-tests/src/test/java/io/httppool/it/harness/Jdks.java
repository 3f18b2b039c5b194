package io.httppool.it.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDKs the child JVMs run on. Every child runs on {@link #current()}: the JDK running the tests, or the one the
 * build chose for a whole pass (system property {@code it.child.java.home}: the JDK 25 pass of it-tests/pom.xml).
 * The cross-JDK tests also run children on a JDK 25 when the machine has one (system property {@code it.jdk25},
 * else {@code /usr/lib/jvm/temurin-25-jdk-amd64}); where there is none, those cases are skipped with a message
 * saying so.
 */
public final class Jdks {

    private Jdks() {
    }

    /** The JDK of every child JVM that does not ask for another one. */
    public static Path current() {
        String pass = System.getProperty("it.child.java.home", "");
        return Path.of(pass.isBlank() ? System.getProperty("java.home") : pass);
    }

    /** The JDK 25 home, or null when this machine has none. */
    public static Path jdk25() {
        String configured = System.getProperty("it.jdk25", "");
        Path home = configured.isBlank() ? Path.of("/usr/lib/jvm/temurin-25-jdk-amd64") : Path.of(configured);
        return Files.isExecutable(home.resolve("bin").resolve("java")) ? home : null;
    }

    /** "17" and "25" (when present): the names the parameterized tests use. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(List.of("default"));
        names.add("25");
        return names;
    }

    /** The home for a name of {@link #names()}; null for a JDK this machine does not have. */
    public static Path home(String name) {
        return "25".equals(name) ? jdk25() : current();
    }
}
