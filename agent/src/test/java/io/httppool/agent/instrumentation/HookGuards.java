package io.httppool.agent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertFalse;

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

/**
 * Reads a library's hooks class (the only methods woven code calls) for the tests that check every hook
 * is one guard: {@code try { FaultPoint.reached("<place>"); ... } catch (Throwable)}.
 */
public final class HookGuards {

    public static final String FAULT_POINT = "io/httppool/agent/log/FaultPoint";

    private HookGuards() {
    }

    /** What the compiled body of one hook starts with, and whether that start is inside a catch-all handler. */
    public record Shape(String firstConstant, String firstCall, boolean guardedFromTheStart) {
    }

    /** The public static methods of {@code hooks}. */
    public static List<Method> hooks(Class<?> hooks) {
        List<Method> found = new ArrayList<>();
        for (Method method : hooks.getDeclaredMethods()) {
            if (Modifier.isPublic(method.getModifiers()) && Modifier.isStatic(method.getModifiers())) {
                found.add(method);
            }
        }
        assertFalse(found.isEmpty());
        return found;
    }

    /** The shape of every public static method of {@code hooks}, by name. */
    public static Map<String, Shape> shapes(Class<?> hooks) throws IOException {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        try (InputStream in = hooks.getResourceAsStream(hooks.getSimpleName() + ".class")) {
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
