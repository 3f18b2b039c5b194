import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Build step (agent/pom.xml, phase package, before shading; run as a single-file source program): sets
 * ACC_VARARGS on {@code premain} and {@code agentmain} of the agent's entry point, in the jar only.
 *
 * <p>Why: the JVM calls the entry point through {@code Method.invoke}. Since JDK 18 (JEP 416) that call runs on
 * a method handle, and the first call spins seven LambdaForm classes, 5-15 ms of every start-up on JDK 25
 * (whole-process medians, issue 9). Core reflection falls back to its native accessor, which spins nothing, for
 * a method whose ACC_VARARGS bit is set while its last parameter is not an array: a method handle could not
 * represent that (see {@code MethodHandleAccessorFactory.useNativeAccessor} in the JDK). The JVM itself ignores the
 * bit: invocation is fixed-arity. {@code java.lang.invoke} does not: a method-handle lookup of the two methods
 * throws ("cannot make variable arity"); the JVM's agent loading (through JDK 25, {@code InstrumentationImpl})
 * finds them with {@code getDeclaredMethod} and calls {@code invoke}, which the JDK 25 test pass exercises.
 * Neither does javac: it refuses to compile against such a class file ("malformed variable arity method"), which
 * is why target/classes keeps the compiled class and only the jar, which nothing compiles against, gets the flag.
 * AgentJarIT fails when this step did not run.
 *
 * <p>Usage: {@code java -cp <byte-buddy.jar> EntryPointVarargsFlag <agent.jar> <entry/point/Class.class>}; rewrites
 * that entry of the jar in place and is idempotent.
 */
public final class EntryPointVarargsFlag {

    public static void main(String[] args) throws IOException {
        try (FileSystem jar = FileSystems.newFileSystem(Path.of(args[0]))) {
            Path entry = jar.getPath(args[1]);
            Files.write(entry, withVarargsEntryMethods(Files.readAllBytes(entry), args[0] + "!" + args[1]));
        }
        System.out.println("[build] ACC_VARARGS set on premain and agentmain of " + args[1] + " in " + args[0]);
    }

    private static byte[] withVarargsEntryMethods(byte[] classFile, String where) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        int[] marked = {0};
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                if ((name.equals("premain") || name.equals("agentmain"))
                        && descriptor.equals("(Ljava/lang/String;Ljava/lang/instrument/Instrumentation;)V")) {
                    access |= Opcodes.ACC_VARARGS;
                    marked[0]++;
                }
                return super.visitMethod(access, name, descriptor, signature, exceptions);
            }
        }, 0);
        if (marked[0] != 2) {
            throw new IllegalStateException(where + ": expected premain and agentmain (String, Instrumentation), found " + marked[0]);
        }
        return writer.toByteArray();
    }
}
