package io.httppool.agent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.instrumentation.apache5.Apache5Instrumentation;
import io.httppool.agent.instrumentation.weaving.Call;
import io.httppool.agent.instrumentation.weaving.Hook;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/** The version check passes for the HttpClient 5 on the test class path and names what a changed version lacks. */
class ReferenceCheckTest {

    private final Apache5Instrumentation library = new Apache5Instrumentation();

    @Test
    void theSupportedVersionHasEverythingTheHooksAndHelpersUse() throws Exception {
        Map<String, byte[]> helpers = new HelperInjector(library.helperClassNames()).bytes();
        assertNull(ReferenceCheck.missing(getClass().getClassLoader(), library.hooks(), helpers, library.packages()));
    }

    /** The JDK client's own classes are JDK classes, and some are being transformed while the check runs. */
    @Test
    void everyLibraryPassesOnThisJvmIncludingTheJdkClientsJdkClasses() throws Exception {
        for (LibraryInstrumentation each : LibraryInstrumentations.all()) {
            ClassLoader where = each.packages().get(0).startsWith("jdk/") || each.packages().get(0).startsWith("java/")
                    ? ClassLoader.getPlatformClassLoader() : getClass().getClassLoader();
            Map<String, byte[]> helpers = new HelperInjector(each.helperClassNames(), each.helpersRequiring()).bytesFor(where, false);
            assertNull(ReferenceCheck.missing(where, each.hooks(), helpers, each.packages()), each.libraryName());
        }
    }

    @Test
    void aHookedMethodOfAnotherShapeIsNamed() throws Exception {
        List<Hook> hooks = new ArrayList<>(library.hooks());
        hooks.add(Hook.on("org/apache/hc/client5/http/impl/io/PoolingHttpClientConnectionManager", "lease",
                "(Ljava/lang/String;)Ljava/lang/Object;").onEnter(Call.to("x/Y", "z", "()V")));
        String missing = ReferenceCheck.missing(getClass().getClassLoader(), hooks, Map.of(), library.packages());
        assertTrue(missing != null && missing.contains("method org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager"
                + ".lease(Ljava/lang/String;)Ljava/lang/Object;"), String.valueOf(missing));
    }

    @Test
    void aHelperReferenceToAMissingMemberIsNamedAndOptionalHooksMayBeAbsent() throws Exception {
        List<Hook> hooks = List.of(Hook.on("org/apache/hc/client5/http/impl/io/PoolingHttpClientConnectionManager",
                "setSomethingNew", "(I)V").optional().onEnter(Call.to("x/Y", "z", "()V")));
        byte[] helper = helperCalling("io/httppool/agent/instrumentation/ReferenceCheckTest$Target", "gone", "()V");
        String missing = ReferenceCheck.missing(getClass().getClassLoader(), hooks, Map.of("h", helper), List.of("io/httppool/agent/instrumentation/"));
        assertTrue(missing != null && missing.contains("ReferenceCheckTest$Target.gone()V"), String.valueOf(missing));
    }

    /** Stands for a library class whose method {@code gone()} went away in another version. */
    static final class Target {
        static void present() {
        }
    }

    /** A helper compiled against a version that had {@code owner.name}: a class calling it. */
    private static byte[] helperCalling(String owner, String name, String descriptor) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "example/Helper", null, "java/lang/Object", null);
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_STATIC, "use", "()V", null, null);
        method.visitCode();
        method.visitMethodInsn(Opcodes.INVOKESTATIC, owner, "present", "()V", false);
        method.visitMethodInsn(Opcodes.INVOKESTATIC, owner, name, descriptor, false);
        method.visitInsn(Opcodes.RETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }
}
