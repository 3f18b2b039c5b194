package io.httppool.agent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderResourcesTest {

    @TempDir
    Path dir;

    /** Counts how often the loader itself is asked, to show the learned root answers the later names. */
    private static final class CountingLoader extends URLClassLoader {
        final AtomicInteger asked = new AtomicInteger();

        CountingLoader(URL[] urls) {
            super(urls, null);
        }

        @Override
        public URL getResource(String name) {
            asked.incrementAndGet();
            return super.getResource(name);
        }
    }

    @Test
    void readsWhatTheLoaderSeesAndAsksItOncePerRoot() throws IOException {
        Path jar = jarWith("a/One.class", "one", "a/Two.class", "two");
        try (CountingLoader loader = new CountingLoader(new URL[] {jar.toUri().toURL()})) {
            assertArrayEquals(bytes("one"), read(loader, "a/One.class"));
            assertArrayEquals(bytes("two"), read(loader, "a/Two.class"));
            assertNull(LoaderResources.open(loader, "a/Missing.class"), "absent stays absent");
            // One question for the first name; the second came from the learned jar; the missing one asks again.
            assertEquals(2, loader.asked.get());
        }
    }

    @Test
    void aNameInAnotherRootOfTheLoaderIsStillFound() throws IOException {
        Path first = jarWith("a/One.class", "one");
        Path second = jarWith("b/Three.class", "three");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {first.toUri().toURL(), second.toUri().toURL()}, null)) {
            assertArrayEquals(bytes("one"), read(loader, "a/One.class"));
            assertArrayEquals(bytes("three"), read(loader, "b/Three.class"), "not in the learned jar: the loader answers");
        }
    }

    @Test
    void jdkClassesComeThroughTheLoadersParents() throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[0], ClassLoader.getSystemClassLoader())) {
            try (InputStream in = LoaderResources.open(loader, "java/lang/String.class")) {
                assertNotNull(in);
            }
            try (InputStream in = LoaderResources.open(null, "java/lang/String.class")) {
                assertNotNull(in, "the bootstrap loader");
            }
        }
    }

    @Test
    void whilePreparingJarsAreReadDirectlyAndClosedWhenTheLastPreparationEnds() throws IOException {
        Path jar = jarWith("a/One.class", "one", "a/Two.class", "two");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            LoaderResources.acquire();
            LoaderResources.acquire(); // two libraries preparing at once
            try {
                assertArrayEquals(bytes("one"), read(loader, "a/One.class"));
                assertTrue(LoaderResources.anyJarOpen());
                LoaderResources.release();
                assertTrue(LoaderResources.anyJarOpen(), "the other preparation still reads");
                assertArrayEquals(bytes("two"), read(loader, "a/Two.class"));
            } finally {
                LoaderResources.release();
            }
            assertFalse(LoaderResources.anyJarOpen(), "no file stays open after the preparations");
            assertArrayEquals(bytes("two"), read(loader, "a/Two.class"), "and names are still read (through the URL)");
        }
    }

    @Test
    void aMultiReleaseJarIsReadAsTheLoaderReadsIt() throws IOException {
        Path jar = Files.createTempFile(dir, "multi", ".jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Multi-Release"), "true");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("a/Plain.class"));
            out.write(bytes("one version only"));
            out.closeEntry();
            out.putNextEntry(new JarEntry("a/One.class"));
            out.write(bytes("base"));
            out.closeEntry();
            out.putNextEntry(new JarEntry("META-INF/versions/17/a/One.class"));
            out.write(bytes("for 17 and later"));
            out.closeEntry();
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            byte[] asTheLoaderReadsIt;
            try (InputStream in = loader.getResourceAsStream("a/One.class")) {
                asTheLoaderReadsIt = in.readAllBytes();
            }
            assertArrayEquals(bytes("for 17 and later"), asTheLoaderReadsIt, "control: this JVM reads the versioned entry");
            LoaderResources.acquire();
            try {
                // The loader's URL of a class without versions teaches the jar's own root; of a versioned one,
                // its version directory: read from the jar's root, a versioned class must still be its version.
                assertArrayEquals(bytes("one version only"), read(loader, "a/Plain.class"));
                assertArrayEquals(asTheLoaderReadsIt, read(loader, "a/One.class"), "from the learned root");
            } finally {
                LoaderResources.release();
            }
        }
    }

    private static byte[] read(ClassLoader loader, String name) throws IOException {
        try (InputStream in = LoaderResources.open(loader, name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Path jarWith(String... namesAndContents) throws IOException {
        Path jar = Files.createTempFile(dir, "lib", ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                out.putNextEntry(new JarEntry(namesAndContents[i]));
                out.write(bytes(namesAndContents[i + 1]));
                out.closeEntry();
            }
        }
        return jar;
    }
}
