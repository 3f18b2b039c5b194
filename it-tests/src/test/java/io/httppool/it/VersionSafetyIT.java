package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.LoadApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.RunResult;
import io.httppool.it.harness.Settings;
import io.httppool.it.harness.UpstreamTest;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * A version of HttpClient 5 whose shape differs from what the hooks expect (README, "Compatibility"): the
 * agent names the library, its version and the missing member in one line, leaves that library alone, and
 * the application works as without the agent. The changed version is made here from the real 5.5.1 jar:
 * {@code MainClientExec}'s private field {@code connectionManager}, which a hook reads, is renamed inside
 * that class (the library still works). Control: the unchanged jar is pooled.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class VersionSafetyIT extends UpstreamTest {

    static final String EXEC = "org/apache/hc/client5/http/impl/classic/MainClientExec";
    static final int REQUESTS = 40;

    private RunResult run(Path httpclient5, String name) {
        upstream.reset();
        return JvmRunner.app(LoadApp.class).withAgent().name(name)
                .replacingLibrary(httpclient5.toString(), "httpclient5-")
                .args("modes=default", "bases=" + upstream.http(), "paths=/ok", "requests=" + REQUESTS, "threads=2").run();
    }

    @Test
    void aLibraryWhoseHookedMemberChangedIsLeftAloneWithOneLineSayingWhat() throws IOException {
        Path original = testClassPathJar("httpclient5-5.5.1.jar");
        Path changed = Settings.workDir().resolve("httpclient5-5.5.1-changed.jar");
        renameFieldInJar(original, changed, EXEC, "connectionManager", "connectionManagerRenamed");

        RunResult control = run(original, "version-safety-control");
        assertEquals(REQUESTS, control.summary().successes(), control.describe());
        AgentLog.assertPoolingOn(control);
        assertTrue(upstream.httpCounter().accepted() <= 4, "control: the unchanged jar is pooled\n" + control.describe());

        RunResult r = run(changed, "version-safety-changed");
        assertEquals(REQUESTS, r.summary().successes(), "the application works\n" + r.describe());
        assertEquals(REQUESTS, upstream.httpCounter().accepted(), "left alone: a connection per request, as without the agent\n"
                + r.describe());
        List<String> warn = r.stderrLinesWith("Apache HttpClient 5 (classic)", "is left alone (no pooling): version 5.5.1 lacks",
                "field org.apache.hc.client5.http.impl.classic.MainClientExec.connectionManager");
        assertEquals(1, warn.size(), "one line names library, version and member\n" + r.describe());
        // The application's own SLF4J (no provider on its class path) prints its notice with or without the agent.
        List<String> others = Arrays.stream(r.stderr.split("\n"))
                .filter(l -> !l.isBlank() && !l.contains(AgentLog.TAG) && !l.startsWith("SLF4J(")).toList();
        assertEquals(List.of(), others, "nothing but the agent's own lines on stderr\n" + r.describe());
    }

    private static Path testClassPathJar(String fileName) {
        return Arrays.stream(Settings.childClassPath().split(java.io.File.pathSeparator)).map(Path::of)
                .filter(p -> p.getFileName().toString().equals(fileName)).findFirst()
                .orElseThrow(() -> new IllegalStateException(fileName + " not on the test class path"));
    }

    /** Copies {@code jar}, renaming one private field of one class (its declaration and every use in that class). */
    static void renameFieldInJar(Path jar, Path target, String owner, String from, String to) throws IOException {
        Files.createDirectories(target.getParent());
        try (JarFile in = new JarFile(jar.toFile()); OutputStream file = Files.newOutputStream(target);
             JarOutputStream out = new JarOutputStream(file)) {
            for (JarEntry entry : java.util.Collections.list(in.entries())) {
                if (entry.getName().startsWith("META-INF/") && (entry.getName().endsWith(".SF") || entry.getName().endsWith(".RSA"))) {
                    continue;
                }
                out.putNextEntry(new JarEntry(entry.getName()));
                try (InputStream data = in.getInputStream(entry)) {
                    byte[] bytes = data.readAllBytes();
                    out.write(entry.getName().equals(owner + ".class") ? renameField(bytes, owner, from, to) : bytes);
                }
                out.closeEntry();
            }
        }
    }

    private static byte[] renameField(byte[] classFile, String owner, String from, String to) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                return super.visitField(access, name.equals(from) ? to : name, descriptor, signature, value);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitFieldInsn(int opcode, String fieldOwner, String fieldName, String fieldDescriptor) {
                        boolean renamed = fieldOwner.equals(owner) && fieldName.equals(from);
                        super.visitFieldInsn(opcode, fieldOwner, renamed ? to : fieldName, fieldDescriptor);
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }
}
