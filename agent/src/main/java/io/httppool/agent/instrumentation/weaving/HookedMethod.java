package io.httppool.agent.instrumentation.weaving;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * One hooked method. Code at entry runs before the method's first instruction; code at exit runs before
 * each of its return instructions; an {@code onExitAlways} call is also made from a catch-all handler
 * appended after the method's code (last in the exception table, so the method's own handlers keep
 * precedence), which rethrows.
 *
 * <p>Stack-map frames. Frames arrive compressed, each relative to the previous one, and are passed on
 * untouched. The entry code adds frames whose locals are exactly the method's parameters, i.e. the
 * implicit initial frame, so the method's own first frame stays correct relative to them. Each is
 * followed by an instruction of ours, so no two frames share an offset. The handler's frame is a full
 * frame declaring only the parameters (a javac-compiled method never stores another type into a
 * parameter slot), with the Throwable on the stack. No local variable is added: {@code maxLocals} stays.
 */
final class HookedMethod extends MethodVisitor {

    private final int access;
    private final String owner;
    private final String name;
    private final Type[] arguments;
    private final Type returnType;
    private final boolean frames;
    private final Hook hook;
    private final boolean alwaysExit;
    private final Label tryStart = new Label();

    HookedMethod(MethodVisitor target, int access, String owner, String name, String descriptor, boolean frames, Hook hook) {
        super(Opcodes.ASM9, target);
        this.access = access;
        this.owner = owner;
        this.name = name;
        this.arguments = Type.getArgumentTypes(descriptor);
        this.returnType = Type.getReturnType(descriptor);
        this.frames = frames;
        this.hook = hook;
        this.alwaysExit = hook.exits().stream().anyMatch(exit -> exit.action() == Hook.ExitAction.CALL_ALWAYS);
        if (alwaysExit && "<init>".equals(name)) {
            throw new IllegalArgumentException("onExitAlways cannot hook a constructor: " + hook);
        }
    }

    @Override
    public void visitCode() {
        super.visitCode();
        for (Hook.Enter enter : hook.enters()) {
            enter(enter);
        }
        if (alwaysExit) {
            super.visitLabel(tryStart);
        }
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            for (Hook.Exit exit : hook.exits()) {
                exitOnReturn(exit);
            }
        }
        super.visitInsn(opcode);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        if (alwaysExit) {
            Label tryEnd = new Label();
            Label handler = new Label();
            super.visitLabel(tryEnd);
            super.visitLabel(handler);
            if (frames) {
                super.visitFrame(Opcodes.F_FULL, initialLocals().length, initialLocals(), 1, new Object[] {"java/lang/Throwable"});
            }
            for (Hook.Exit exit : hook.exits()) {
                if (exit.action() == Hook.ExitAction.CALL_ALWAYS) {
                    super.visitInsn(Opcodes.DUP);
                    pushValues(exit.call(), 1);
                    invoke(exit.call());
                }
            }
            super.visitInsn(Opcodes.ATHROW);
            // Last in the table: the method's own handlers, visited earlier, still win for their ranges.
            super.visitTryCatchBlock(tryStart, tryEnd, handler, "java/lang/Throwable");
        }
        super.visitMaxs(maxStack + extraStack(), maxLocals);
    }

    private void enter(Hook.Enter enter) {
        Call call = enter.call();
        if (call.reflective()) {
            invokeReflectively(call);
        } else {
            pushValues(call, 0);
            invoke(call);
        }
        Type answer = Type.getReturnType(call.descriptor());
        switch (enter.action()) {
            case CALL -> {
                if (answer.getSort() != Type.VOID) {
                    super.visitInsn(answer.getSize() == 2 ? Opcodes.POP2 : Opcodes.POP);
                }
            }
            case REPLACE_ARGUMENT -> super.visitVarInsn(arguments[enter.argument()].getOpcode(Opcodes.ISTORE), slotOf(enter.argument()));
            case SKIP_IF_TRUE -> {
                Label proceed = new Label();
                super.visitJumpInsn(Opcodes.IFEQ, proceed);
                super.visitInsn(Opcodes.RETURN);
                super.visitLabel(proceed);
                if (frames) {
                    super.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
                }
                super.visitInsn(Opcodes.NOP);
            }
            case RETURN_IF_NOT_NULL -> {
                Label proceed = new Label();
                super.visitInsn(Opcodes.DUP);
                super.visitJumpInsn(Opcodes.IFNULL, proceed);
                castOrUnbox(answer);
                super.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
                super.visitLabel(proceed);
                if (frames) {
                    super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {frameType(answer)});
                }
                super.visitInsn(Opcodes.POP);
            }
            default -> throw new IllegalStateException(enter.action().name());
        }
    }

    private void exitOnReturn(Hook.Exit exit) {
        Call call = exit.call();
        if (call.reflective()) {
            throw new IllegalArgumentException("reflective calls are for entry hooks only: " + hook);
        }
        switch (exit.action()) {
            case CALL -> {
                pushValues(call, 0);
                invoke(call);
            }
            case REPLACE_RETURN -> {
                // The returned value is on the stack already and is the helper's first parameter.
                pushValues(call, 1);
                invoke(call);
                Type answer = Type.getReturnType(call.descriptor());
                if (returnType.getSort() == Type.OBJECT || returnType.getSort() == Type.ARRAY) {
                    if (!answer.equals(returnType)) {
                        super.visitTypeInsn(Opcodes.CHECKCAST, returnType.getInternalName());
                    }
                }
            }
            case CALL_ALWAYS -> {
                super.visitInsn(Opcodes.ACONST_NULL);
                pushValues(call, 1);
                invoke(call);
            }
            default -> throw new IllegalStateException(exit.action().name());
        }
    }

    /** Pushes the call's values from position {@code from} on (earlier ones are on the stack already). */
    private void pushValues(Call call, int from) {
        List<Value> values = call.values();
        for (int i = from; i < values.size(); i++) {
            pushValue(call, values.get(i));
        }
    }

    /** Pushes one value; returns its type. */
    private Type pushValue(Call call, Value value) {
        if (value instanceof Value.This) {
            requireInstance(value);
            if ("<init>".equals(name) && call.reflective()) {
                throw new IllegalArgumentException("this is not initialised at a constructor's entry: " + hook);
            }
            super.visitVarInsn(Opcodes.ALOAD, 0);
            return Type.getObjectType(owner);
        } else if (value instanceof Value.Arg arg) {
            super.visitVarInsn(arguments[arg.index()].getOpcode(Opcodes.ILOAD), slotOf(arg.index()));
            return arguments[arg.index()];
        } else if (value instanceof Value.Field field) {
            requireInstance(value);
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitFieldInsn(Opcodes.GETFIELD, owner, field.name(), field.descriptor());
            return Type.getType(field.descriptor());
        } else if (value instanceof Value.MethodName) {
            super.visitLdcInsn(name);
            return Type.getType(String.class);
        }
        throw new IllegalArgumentException(value + " must be the first value of " + call + " in " + hook);
    }

    /**
     * {@code Class.forName(owner, true, systemLoader).getMethod(name, Object[].class).invoke(null, values)},
     * leaving the answer (or null, when anything on the way threw) on the stack. Only at entry, where the
     * frame is the method's initial one: the handler's and the join's frames are {@code F_SAME1}.
     */
    private void invokeReflectively(Call call) {
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        Label join = new Label();
        super.visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
        super.visitLabel(start);
        super.visitLdcInsn(call.owner().replace('/', '.'));
        super.visitInsn(Opcodes.ICONST_1);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/ClassLoader", "getSystemClassLoader", "()Ljava/lang/ClassLoader;", false);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Class", "forName",
                "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;", false);
        super.visitLdcInsn(call.name());
        super.visitInsn(Opcodes.ICONST_1);
        super.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Class");
        super.visitInsn(Opcodes.DUP);
        super.visitInsn(Opcodes.ICONST_0);
        super.visitLdcInsn(Type.getType("[Ljava/lang/Object;"));
        super.visitInsn(Opcodes.AASTORE);
        super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getMethod",
                "(Ljava/lang/String;[Ljava/lang/Class;)Ljava/lang/reflect/Method;", false);
        super.visitInsn(Opcodes.ACONST_NULL);
        super.visitInsn(Opcodes.ICONST_1);
        super.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
        super.visitInsn(Opcodes.DUP);
        super.visitInsn(Opcodes.ICONST_0);
        pushBoxedArray(call);
        super.visitInsn(Opcodes.AASTORE);
        super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/reflect/Method", "invoke",
                "(Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;", false);
        super.visitLabel(end);
        super.visitJumpInsn(Opcodes.GOTO, join);
        super.visitLabel(handler);
        if (frames) {
            super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/Throwable"});
        }
        super.visitInsn(Opcodes.POP);
        super.visitInsn(Opcodes.ACONST_NULL);
        super.visitLabel(join);
        if (frames) {
            super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/Object"});
        }
    }

    /** {@code new Object[] {values...}}, primitives boxed. */
    private void pushBoxedArray(Call call) {
        List<Value> values = call.values();
        super.visitLdcInsn(values.size());
        super.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
        for (int i = 0; i < values.size(); i++) {
            super.visitInsn(Opcodes.DUP);
            super.visitLdcInsn(i);
            Type type = pushValue(call, values.get(i));
            box(type);
            super.visitInsn(Opcodes.AASTORE);
        }
    }

    private void box(Type type) {
        String box = switch (type.getSort()) {
            case Type.BOOLEAN -> "java/lang/Boolean";
            case Type.BYTE -> "java/lang/Byte";
            case Type.CHAR -> "java/lang/Character";
            case Type.SHORT -> "java/lang/Short";
            case Type.INT -> "java/lang/Integer";
            case Type.LONG -> "java/lang/Long";
            case Type.FLOAT -> "java/lang/Float";
            case Type.DOUBLE -> "java/lang/Double";
            default -> null;
        };
        if (box != null) {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, box, "valueOf", "(" + type.getDescriptor() + ")L" + box + ";", false);
        }
    }

    private void invoke(Call call) {
        super.visitMethodInsn(Opcodes.INVOKESTATIC, call.owner(), call.name(), call.descriptor(), false);
    }

    private void castOrUnbox(Type answer) {
        switch (returnType.getSort()) {
            case Type.OBJECT, Type.ARRAY -> {
                if (!answer.equals(returnType)) {
                    super.visitTypeInsn(Opcodes.CHECKCAST, returnType.getInternalName());
                }
            }
            case Type.BOOLEAN -> unbox("java/lang/Boolean", "booleanValue", "()Z");
            case Type.INT -> unbox("java/lang/Integer", "intValue", "()I");
            case Type.LONG -> unbox("java/lang/Long", "longValue", "()J");
            default -> throw new IllegalArgumentException("cannot return a helper's answer from " + hook);
        }
    }

    private void unbox(String box, String method, String descriptor) {
        super.visitTypeInsn(Opcodes.CHECKCAST, box);
        super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, box, method, descriptor, false);
    }

    private void requireInstance(Value value) {
        if ((access & Opcodes.ACC_STATIC) != 0) {
            throw new IllegalArgumentException(value + " in static method " + hook);
        }
    }

    private int slotOf(int argument) {
        int slot = (access & Opcodes.ACC_STATIC) != 0 ? 0 : 1;
        for (int i = 0; i < argument; i++) {
            slot += arguments[i].getSize();
        }
        return slot;
    }

    /** The frame at entry: {@code this} (for instance methods) and the parameters, in frame notation. */
    private Object[] initialLocals() {
        List<Object> locals = new ArrayList<>();
        if ((access & Opcodes.ACC_STATIC) == 0) {
            locals.add(owner);
        }
        for (Type argument : arguments) {
            locals.add(frameType(argument));
        }
        return locals.toArray();
    }

    private static Object frameType(Type type) {
        return switch (type.getSort()) {
            case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> Opcodes.INTEGER;
            case Type.LONG -> Opcodes.LONG;
            case Type.FLOAT -> Opcodes.FLOAT;
            case Type.DOUBLE -> Opcodes.DOUBLE;
            case Type.ARRAY -> type.getDescriptor();
            default -> type.getInternalName();
        };
    }

    /** Room for every value any inserted call pushes, plus a duplicate, on top of what the method needs. */
    private int extraStack() {
        int most = 0;
        for (Hook.Enter enter : hook.enters()) {
            most = Math.max(most, slots(enter.call()) + 2);
        }
        for (Hook.Exit exit : hook.exits()) {
            most = Math.max(most, slots(exit.call()) + 2);
        }
        return most;
    }

    private static int slots(Call call) {
        if (call.reflective()) {
            return 10; // class, name, Class[] (dup, index, constant), null, Object[] (dup, index), values array (dup, index, value)
        }
        int slots = 0;
        for (Type parameter : Type.getArgumentTypes(call.descriptor())) {
            slots += parameter.getSize();
        }
        return Math.max(slots, Type.getReturnType(call.descriptor()).getSize());
    }
}
