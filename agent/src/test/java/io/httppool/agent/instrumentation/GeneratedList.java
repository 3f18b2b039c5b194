package io.httppool.agent.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * For tests of the lists the agent's build writes from its own libraries ({@code known-builds.txt},
 * {@code prewoven.txt}): the resource in the jar must be exactly what the test computes; with
 * {@code -Dhttppool.writeKnownBuilds=true} a differing list is rewritten in the sources (and the test fails,
 * so the build runs again with the new list).
 */
final class GeneratedList {

    private GeneratedList() {
    }

    static void assertListed(String resource, String expected, String testName) throws IOException {
        String listed;
        try (InputStream in = GeneratedList.class.getClassLoader().getResourceAsStream(resource)) {
            listed = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (expected.equals(listed)) {
            return;
        }
        Path source = Path.of("src/main/resources", resource);
        if (Boolean.getBoolean("httppool.writeKnownBuilds")) {
            Files.createDirectories(source.getParent());
            Files.writeString(source, expected, StandardCharsets.UTF_8);
            fail("rewrote " + source.toAbsolutePath() + "; build again");
        }
        assertEquals(expected, listed, resource + " is not what " + testName + " computes from this build's libraries;"
                + " run mvn -pl agent test -Dtest=" + testName + " -Dhttppool.writeKnownBuilds=true");
    }
}
