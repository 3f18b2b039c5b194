package io.httppool.agent.instrumentation.weaving;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Inserts {@link Hook}s into one class file with plain ASM (the copy Byte Buddy bundles): no type pool, no
 * class loading, no frame computation. Methods without hooks are copied byte for byte; hooked ones get the
 * few instructions of their calls, and the stack-map frames those instructions need are written from the
 * method's descriptor alone (see {@link HookedMethod}). That is what keeps the first transformation, which
 * an application thread waits for, to a few milliseconds.
 *
 * <p>No member is added or removed, so the same weaving also serves retransformation (late attach).
 */
public final class HookWeaver {

    /** The result: the new class bytes, and which hooks found their method. */
    public record Result(byte[] bytes, List<Hook> applied) {
    }

    private HookWeaver() {
    }

    /** Weaves every hook whose method the class declares; null bytes when none did. */
    public static Result weave(byte[] classFile, List<Hook> hooks) {
        Map<String, Hook> byMethod = new HashMap<>();
        for (Hook hook : hooks) {
            byMethod.put(hook.method() + hook.descriptor(), hook);
        }
        ClassReader reader = new ClassReader(classFile);
        // Passing the reader lets the writer copy the constant pool and every untouched method as-is.
        ClassWriter writer = new ClassWriter(reader, 0);
        List<Hook> applied = new ArrayList<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            private int version;
            private String owner;

            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                this.version = version;
                this.owner = name;
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                MethodVisitor target = super.visitMethod(access, name, descriptor, signature, exceptions);
                Hook hook = byMethod.get(name + descriptor);
                if (hook == null || (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                    return target;
                }
                applied.add(hook);
                boolean frames = (version & 0xFFFF) >= Opcodes.V1_6;
                return new HookedMethod(target, access, owner, name, descriptor, frames, hook);
            }
        }, 0);
        return new Result(applied.isEmpty() ? null : writer.toByteArray(), List.copyOf(applied));
    }
}
