package io.httppool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The shipped jar: self-contained, every bundled dependency relocated, an agent manifest. */
class AgentJarIT {

    private static JarFile jar() throws IOException {
        String path = System.getProperty("agent.jar", "target/http-pool-agent.jar");
        assertTrue(Files.isRegularFile(Path.of(path)), "agent jar not built at " + path);
        return new JarFile(path);
    }

    @Test
    void holdsNothingButOurPackageAndMetaInf() throws IOException {
        Set<String> topLevel = new TreeSet<>();
        Set<String> strays = new TreeSet<>();
        try (JarFile jar = jar()) {
            for (JarEntry entry : java.util.Collections.list(jar.entries())) {
                String name = entry.getName();
                topLevel.add(name.contains("/") ? name.substring(0, name.indexOf('/')) : name);
                if (name.endsWith(".class") && !name.startsWith("io/httppool/agent/")) {
                    strays.add(name);
                }
            }
        }
        assertEquals(Set.of("META-INF", "io"), topLevel);
        assertTrue(strays.isEmpty(), "classes outside io/httppool/agent: " + strays);
    }

    @Test
    void bundlesRelocatedAsmAndSlf4jApiOnly() throws IOException {
        try (JarFile jar = jar()) {
            assertNotNull(jar.getEntry("io/httppool/agent/shaded/bytebuddy/jar/asm/ClassReader.class"));
            assertNotNull(jar.getEntry("io/httppool/agent/shaded/slf4j/Logger.class"));
            assertNotNull(jar.getEntry("io/httppool/agent/shaded/slf4j/helpers/MessageFormatter.class"));
            // No SLF4J provider and no service file: the agent's log never goes through LoggerFactory's discovery.
            assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("META-INF/services/")), "no service files");
            assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("org/apache/hc/")), "HttpClient must not be bundled");
            long classes = jar.stream().filter(e -> e.getName().endsWith(".class")).count();
            assertTrue(classes < 600, "a minimized jar, not all of Byte Buddy: " + classes + " classes");
        }
    }

    @Test
    void manifestDeclaresTheAgent() throws IOException {
        try (JarFile jar = jar()) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("io.httppool.agent.bootstrap.AgentEntryPoint", main.getValue("Premain-Class"));
            assertEquals("io.httppool.agent.bootstrap.AgentEntryPoint", main.getValue("Agent-Class"));
            assertEquals("true", main.getValue("Can-Retransform-Classes"));
        }
    }
}
