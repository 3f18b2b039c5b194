package io.httppool.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where things are, as the failsafe configuration in it-tests/pom.xml passes them (with fallbacks
 * relative to the module directory for runs from an IDE).
 */
public final class Settings {

    private Settings() {
    }

    private static Path moduleDir() {
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        return Files.isDirectory(cwd.resolve("it-tests")) ? cwd.resolve("it-tests") : cwd;
    }

    /** The agent jar under test: system property {@code agent.jar}. */
    public static Path agentJar() {
        String p = System.getProperty("agent.jar");
        Path jar = p != null ? Path.of(p) : moduleDir().resolve("../agent/target/http-pool-agent.jar");
        jar = jar.toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("agent jar not found at " + jar
                    + ": build it first with `mvn -B -DskipTests package -pl agent` (or run `mvn -B -pl it-tests -am verify`)");
        }
        return jar;
    }

    public static Path workDir() {
        String p = System.getProperty("it.work.dir");
        Path dir = p != null ? Path.of(p) : moduleDir().resolve("target/it-work");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir.toAbsolutePath();
    }

    /**
     * The class path of the child JVMs: the test classes plus the module's test-scope dependencies
     * (written by maven-dependency-plugin build-classpath), without anything of the agent: the agent
     * reaches the child only through -javaagent.
     */
    public static String childClassPath() {
        List<String> entries = new ArrayList<>();
        String testClasses = System.getProperty("it.test.classes");
        entries.add(testClasses != null ? testClasses : moduleDir().resolve("target/test-classes").toString());
        String file = System.getProperty("it.classpath.file");
        Path cpFile = file != null ? Path.of(file) : moduleDir().resolve("target/it-child-classpath.txt");
        try {
            for (String e : Files.readString(cpFile).trim().split(java.io.File.pathSeparator)) {
                if (!e.isBlank()) {
                    entries.add(e.trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the child class path file " + cpFile
                    + " (written by maven-dependency-plugin build-classpath in generate-test-resources)", e);
        }
        List<String> kept = new ArrayList<>();
        for (String e : entries) {
            String norm = e.replace('\\', '/');
            String name = norm.substring(norm.lastIndexOf('/') + 1);
            if (norm.contains("/agent/target/") || norm.endsWith("/agent/target") || name.startsWith("http-pool-agent")) {
                continue; // agent classes must never be on the application class path
            }
            kept.add(e);
        }
        return String.join(java.io.File.pathSeparator, kept);
    }
}
