package io.httppool.agent.instrumentation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A version is read once per loader: the helpers' later questions do not open the library's jar again. */
class LibraryVersionTest {

    @TempDir
    Path root;

    @Test
    void aLoadersAnswerIsKeptAndAnotherLoaderReadsAnew() throws Exception {
        Path file = root.resolve("lib/version.properties");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "info.release = 1.0\n");
        try (URLClassLoader first = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
            assertEquals("1.0", LibraryVersion.read(first, "lib/version.properties", "info.release"));
            Files.writeString(file, "info.release = 2.0\n");
            assertEquals("1.0", LibraryVersion.read(first, "lib/version.properties", "info.release"), "kept, not read again");
            assertEquals("unknown", LibraryVersion.read(first, "lib/version.properties", "other.key"));
            try (URLClassLoader second = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
                assertEquals("2.0", LibraryVersion.read(second, "lib/version.properties", "info.release"), "control: read anew");
            }
        }
    }
}
