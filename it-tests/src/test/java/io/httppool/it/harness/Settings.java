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

    static Path moduleDir() {
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        return Files.isDirectory(cwd.resolve("it-tests")) ? cwd.resolve("it-tests") : cwd;
    }

    private static Path agentSnapshot;
    private static String agentProblem;

    /**
     * The agent jar under test (system property {@code agent.jar}), as a snapshot copied once per
     * test JVM into the work directory: every test of a run uses the same jar, even if the agent is
     * rebuilt in the working tree meanwhile. A copy that is not a complete agent jar yet (caught
     * mid-build, or missing for a moment) is retried for up to 20 s, once per test JVM.
     */
    public static synchronized Path agentJar() {
        if (agentSnapshot != null) {
            return agentSnapshot;
        }
        if (agentProblem != null) {
            throw new IllegalStateException(agentProblem);
        }
        String p = System.getProperty("agent.jar");
        Path jar = (p != null ? Path.of(p) : moduleDir().resolve("../agent/target/http-pool-agent.jar")).toAbsolutePath().normalize();
        Path copy = workDir().resolve("agent-under-test.jar");
        String problem = null;
        for (int attempt = 0; attempt < 40; attempt++) {
            if (attempt > 0) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (!Files.isRegularFile(jar)) {
                problem = "agent jar not found at " + jar
                        + ": build it first with `mvn -B -DskipTests package -pl agent` (or run `mvn -B -pl it-tests -am verify`)";
                continue;
            }
            try {
                Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                try (java.util.jar.JarFile jf = new java.util.jar.JarFile(copy.toFile())) {
                    java.util.jar.Manifest mf = jf.getManifest();
                    if (mf != null && mf.getMainAttributes().getValue("Premain-Class") != null) {
                        agentSnapshot = copy;
                        System.out.println("agent jar under test: " + jar + " (" + Files.size(copy) + " bytes, copied to " + copy + ")");
                        return copy;
                    }
                    problem = "agent jar " + jar + " has no Premain-Class in its manifest";
                }
            } catch (IOException e) {
                problem = "agent jar " + jar + " is not usable: " + e;
            }
        }
        agentProblem = problem;
        throw new IllegalStateException(problem);
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
