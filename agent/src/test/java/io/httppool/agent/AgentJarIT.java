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

    /** The bytes of class file {@code entryName} in the jar; fails the test when the jar has no such entry. */
    private static byte[] classFile(String entryName) throws IOException {
        try (JarFile jar = jar()) {
            JarEntry entry = jar.getJarEntry(entryName);
            assertNotNull(entry, entryName + " is in the jar");
            return jar.getInputStream(entry).readAllBytes();
        }
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
     * The entry point loads on any JVM (Java 8 class file) and names one other class of the agent, the
     * installer, only as the owner of a static call: the others are Java 17, and a reference a JVM resolves
     * while loading, linking or verifying the entry point (a field or parameter type, a supertype, a class
     * literal, a cast) would fail on an older JVM before it could say why it does not start. A call's owner
     * is resolved when the call runs, after the version check (AgentEntryPointTest runs that path).
     */
    @Test
    void entryPointLoadsOnOldJvmsAndNamesTheInstallerOnlyInAStaticCall() throws IOException {
        byte[] bytes = classFile("io/httppool/agent/bootstrap/AgentEntryPoint.class");
        ClassReader reader = new ClassReader(bytes);
        assertEquals(52, reader.readUnsignedShort(6), "class file major version (52 = Java 8)");
        String installer = "io/httppool/agent/bootstrap/AgentInstaller";
        List<String> agentClasses = new ArrayList<>();
        char[] buffer = new char[reader.getMaxStringLength()];
        for (int item = 1; item < reader.getItemCount(); item++) {
            int offset = reader.getItem(item);
            if (offset != 0 && reader.readByte(offset - 1) == 7) { // CONSTANT_Class
                String name = reader.readUTF8(offset, buffer);
                if (name.startsWith("io/httppool/") && !name.startsWith("io/httppool/agent/bootstrap/AgentEntryPoint")) {
                    agentClasses.add(name);
                }
            }
        }
        assertEquals(List.of(installer), agentClasses, "the entry point names these agent classes");

        List<String> otherUses = new ArrayList<>();
        List<String> staticCalls = new ArrayList<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                if (!"java/lang/Object".equals(superName) || interfaces.length > 0) {
                    otherUses.add("supertypes " + superName + " " + List.of(interfaces));
                }
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                if (descriptor.contains("io/httppool/")) {
                    otherUses.add("field " + name + " " + descriptor);
                }
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                if (descriptor.contains("io/httppool/")) {
                    otherUses.add("method " + name + descriptor);
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (owner.equals(installer) && opcode == Opcodes.INVOKESTATIC && !desc.contains("io/httppool/")) {
                            staticCalls.add(method + desc);
                        } else if (owner.startsWith("io/httppool/") && !owner.equals(reader.getClassName())
                                || desc.contains("io/httppool/")) {
                            otherUses.add("call " + owner + "." + method + desc);
                        }
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        if (type.contains("io/httppool/")) {
                            otherUses.add("type instruction on " + type);
                        }
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String field, String desc) {
                        if (!owner.equals(reader.getClassName()) && owner.startsWith("io/httppool/") || desc.contains("io/httppool/")) {
                            otherUses.add("field access " + owner + "." + field);
                        }
                    }

                    @Override
                    public void visitLdcInsn(Object value) {
                        if (String.valueOf(value).contains("io/httppool/")) {
                            otherUses.add("constant " + value);
                        }
                    }

                    @Override
                    public void visitTryCatchBlock(net.bytebuddy.jar.asm.Label start, net.bytebuddy.jar.asm.Label end,
                                                   net.bytebuddy.jar.asm.Label handler, String type) {
                        if (type != null && type.startsWith("io/httppool/")) {
                            otherUses.add("catch " + type);
                        }
                    }
                };
            }
        }, 0);
        assertEquals(List.of(), otherUses, "uses of agent classes other than a static call of the installer");
        assertEquals(1, staticCalls.size(), "one static call of the installer: " + staticCalls);
    }

    /**
     * premain and agentmain carry ACC_VARARGS (set at build, see src/build/EntryPointVarargsFlag.java): the JVM's
     * reflective call of them then takes core reflection's native accessor, where on JDK 18+ it would spin
     * method-handle classes in every start-up. Nothing else in the class is variable arity.
     */
    @Test
    void entryMethodsAreFlaggedForTheNativeReflectiveCall() throws IOException {
        byte[] bytes = classFile("io/httppool/agent/bootstrap/AgentEntryPoint.class");
        List<String> varargs = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                if ((access & Opcodes.ACC_VARARGS) != 0) {
                    varargs.add(name + descriptor);
                }
                return null;
            }
        }, ClassReader.SKIP_CODE);
        assertEquals(List.of("premain(Ljava/lang/String;Ljava/lang/instrument/Instrumentation;)V",
                "agentmain(Ljava/lang/String;Ljava/lang/instrument/Instrumentation;)V"), varargs);
    }

    /**
     * The fault-injection seam ships inert: {@code FaultPoint.reached} is an empty method and the class can
     * throw nothing (the throwing variant exists only in the jar the black-box tests build from this one).
     */
    @Test
    void faultPointCannotThrow() throws IOException {
        byte[] bytes = classFile("io/httppool/agent/log/FaultPoint.class");
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
