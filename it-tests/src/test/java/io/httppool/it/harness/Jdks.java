package io.httppool.it.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDKs the child JVMs of the cross-JDK tests run on: the one running the tests, and a JDK 25 when the
 * machine has one (system property {@code it.jdk25}, else {@code /usr/lib/jvm/temurin-25-jdk-amd64}).
 * Where there is none, the JDK 25 cases are skipped with a message saying so.
 */
public final class Jdks {

    private Jdks() {
    }

    public static Path current() {
        return Path.of(System.getProperty("java.home"));
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
