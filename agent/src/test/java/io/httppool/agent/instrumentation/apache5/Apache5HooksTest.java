package io.httppool.agent.instrumentation.apache5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.log.AgentErrors;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;

/**
 * The woven code calls {@link Apache5Hooks} only, and nothing it does may reach the application: each hook
 * (but the {@code redirect...} ones, whose agent part guards itself in {@link Apache5Pools}) is one guard
 * whose first statement is the fault point named after the hook, so the black-box fault-injection test
 * ({@code FaultInjectionIT}) reaches every hook.
 */
class Apache5HooksTest {

    private static final String FAULT_POINT = "io/httppool/agent/log/FaultPoint";

    /** What the compiled body of one hook starts with, and whether that start is inside a catch-all handler. */
    private record Shape(String firstConstant, String firstCall, boolean guardedFromTheStart) {
    }

    @Test
    void everyHookStartsWithItsFaultPointInsideACatchAll() throws IOException {
        Map<String, Shape> shapes = shapes();
        List<String> problems = new ArrayList<>();
        for (Method hook : hooks()) {
            if (hook.getName().startsWith("redirect")) {
                continue;
            }
            Shape shape = shapes.get(hook.getName());
            Shape expected = new Shape(hook.getName(), FAULT_POINT + ".reached", true);
            if (!expected.equals(shape)) {
                problems.add(hook.getName() + ": " + shape);
            }
        }
        assertTrue(problems.isEmpty(), "hooks not of the form try { FaultPoint.reached(\"<name>\"); ... } catch (Throwable):\n"
                + String.join("\n", problems));
        assertTrue(shapes.size() >= 20, "every hook was read: " + shapes.keySet());
    }

    @Test
    void everyHookGivenNothingButNullsAnswersLikeTheLibraryAndThrowsNothing() throws Exception {
        long errorsBefore = AgentErrors.suppressedCount();
        Map<String, Object> answers = new LinkedHashMap<>();
        try {
            for (Method hook : hooks()) {
                Object[] args = new Object[hook.getParameterCount()];
                for (int i = 0; i < args.length; i++) {
                    Class<?> type = hook.getParameterTypes()[i];
                    args[i] = type == boolean.class ? Boolean.TRUE
                            : type == Timeout.class ? Timeout.ofSeconds(7)
                            : type == TimeValue.class ? TimeValue.ofSeconds(9)
                            : type == String.class && hook.getName().equals("rememberSoftwareInfo") && i == 0 ? "info" : null;
                }
                answers.put(hook.getName(), hook.invoke(null, args)); // an exception here fails the test
            }
        } finally {
            Apache5Pools.clientBuildEnded(); // clientBuildStarting(null) may have marked this thread
        }
        assertNull(answers.get("sharedManager"), "the library builds its own manager");
        assertEquals(Boolean.TRUE, answers.get("ignoresClose"), "in doubt a manager the agent may share stays open");
        assertEquals(Timeout.ofSeconds(7), answers.get("leaseTimeout"), "the application's timeout stands");
        assertNull(answers.get("managedLease"), "the library's own lease");
        assertEquals(TimeValue.ofSeconds(9), answers.get("keepAliveOnRelease"));
        assertEquals(Boolean.FALSE, answers.get("redirectRelease"), "the library releases on the manager it was called on");
        assertEquals(Boolean.FALSE, answers.get("redirectConnect"));
        assertEquals(Boolean.FALSE, answers.get("redirectUpgrade"));
        assertEquals("info", answers.get("rememberSoftwareInfo"));
        assertEquals(Boolean.TRUE, answers.get("rememberBrotliProbe"));
        assertTrue(AgentErrors.suppressedCount() > errorsBefore, "the null arguments did fail inside the agent");
    }

    private static List<Method> hooks() {
        List<Method> hooks = new ArrayList<>();
        for (Method method : Apache5Hooks.class.getDeclaredMethods()) {
            if (Modifier.isPublic(method.getModifiers()) && Modifier.isStatic(method.getModifiers())) {
                hooks.add(method);
            }
        }
        assertFalse(hooks.isEmpty());
        return hooks;
    }

    private static Map<String, Shape> shapes() throws IOException {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        try (InputStream in = Apache5Hooks.class.getResourceAsStream("Apache5Hooks.class")) {
            new ClassReader(in.readAllBytes()).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                    if ((access & Opcodes.ACC_STATIC) == 0 || (access & Opcodes.ACC_PUBLIC) == 0) {
                        return null;
                    }
                    return new MethodVisitor(Opcodes.ASM9) {
                        private final List<Label> catchAllStarts = new ArrayList<>();
                        private Label firstLabel;
                        private boolean codeSeen;
                        private String constant;
                        private String call;

                        @Override
                        public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
                            if ("java/lang/Throwable".equals(type)) {
                                catchAllStarts.add(start);
                            }
                        }

                        @Override
                        public void visitLabel(Label label) {
                            if (!codeSeen && firstLabel == null) {
                                firstLabel = label;
                            }
                        }

                        @Override
                        public void visitLdcInsn(Object value) {
                            if (!codeSeen) {
                                constant = String.valueOf(value);
                            }
                            codeSeen = true;
                        }

                        @Override
                        public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                            if (call == null) {
                                call = owner + "." + method;
                            }
                            codeSeen = true;
                        }

                        @Override
                        public void visitInsn(int opcode) {
                            codeSeen = true;
                        }

                        @Override
                        public void visitVarInsn(int opcode, int var) {
                            codeSeen = true;
                        }

                        @Override
                        public void visitJumpInsn(int opcode, Label label) {
                            codeSeen = true;
                        }

                        @Override
                        public void visitEnd() {
                            shapes.put(name, new Shape(constant, call, firstLabel != null && catchAllStarts.contains(firstLabel)));
                        }
                    };
                }
            }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        }
        return shapes;
    }
}
