package io.httppool.demo.common;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the demo's own code lives, to start the other roles from it and to find the agent beside it. */
public final class DemoJar {

    private DemoJar() {
    }

    /** The demo jar, or the classes directory when run from an IDE or the tests. */
    public static Path location() {
        try {
            return Path.of(DemoJar.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot tell where the demo's classes are loaded from", e);
        }
    }

    /** The class path for child JVMs: the jar alone, or the whole current class path when not run from the jar. */
    public static String classPath() {
        Path location = location();
        if (Files.isRegularFile(location)) {
            return location.toString();
        }
        return System.getProperty("java.class.path");
    }

    /**
     * {@code demo-app/target/demo-app.jar} -> {@code agent/target/http-pool-agent.jar}: both modules
     * build into their own {@code target}, side by side in the repository.
     */
    public static Path defaultAgentJar() {
        return location().getParent().resolve("../../agent/target/http-pool-agent.jar").normalize();
    }

    /** The agent jar to attach, or a message that says what to do. */
    public static Path agentJar(String override) {
        Path jar = override != null ? Path.of(override).toAbsolutePath().normalize() : defaultAgentJar();
        if (!Files.isRegularFile(jar)) {
            String how = override != null
                    ? "check the --agent-jar path"
                    : "build it first with `mvn -B -DskipTests package -pl agent`, or pass --agent-jar PATH";
            throw new MissingAgentJarException("agent jar not found: " + jar + " (" + how + ")");
        }
        return jar;
    }

    public static final class MissingAgentJarException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingAgentJarException(String message) {
            super(message);
        }
    }
}
