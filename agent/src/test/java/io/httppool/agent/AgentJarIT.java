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
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
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

    /**
     * The fault-injection seam ships inert: {@code FaultPoint.reached} is an empty method and the class can
     * throw nothing (the throwing variant exists only in the jar the black-box tests build from this one).
     */
    @Test
    void faultPointCannotThrow() throws IOException {
        byte[] bytes;
        try (JarFile jar = jar()) {
            JarEntry entry = jar.getJarEntry("io/httppool/agent/log/FaultPoint.class");
            assertNotNull(entry, "FaultPoint is in the jar");
            bytes = jar.getInputStream(entry).readAllBytes();
        }
        List<String> members = new ArrayList<>();
        List<Integer> reachedCode = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                problems.add("field " + name);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                members.add(name + descriptor);
                boolean reached = name.equals("reached");
                return new MethodVisitor(Opcodes.ASM9) {
                    private void insn(int opcode) {
                        if (opcode == Opcodes.ATHROW) {
                            problems.add("athrow in " + name);
                        }
                        if (reached) {
                            reachedCode.add(opcode);
                        }
                    }

                    @Override
                    public void visitInsn(int opcode) {
                        insn(opcode);
                    }

                    @Override
                    public void visitVarInsn(int opcode, int var) {
                        insn(opcode);
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        insn(opcode);
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String field, String desc) {
                        insn(opcode);
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        insn(opcode);
                    }

                    @Override
                    public void visitJumpInsn(int opcode, net.bytebuddy.jar.asm.Label label) {
                        insn(opcode);
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        insn(Opcodes.LDC);
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG);
        assertEquals(List.of("<init>()V", "reached(Ljava/lang/String;)V"), members, "no static initializer, no other method");
        assertEquals(List.of(Opcodes.RETURN), reachedCode, "reached(String) is a bare return");
        assertTrue(problems.isEmpty(), problems.toString());
    }
}
