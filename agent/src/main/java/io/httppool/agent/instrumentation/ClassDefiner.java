package io.httppool.agent.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.Set;

/**
 * Defines the agent's helper classes in an application class loader, without {@code sun.misc.Unsafe}
 * (which JDK 24+ warns about on the application's stderr) and without opening anything to the
 * application.
 *
 * <p>Defining a class in another loader takes a JDK-internal door ({@code ClassLoader.defineClass} is protected,
 * {@code jdk.internal.misc.Unsafe#defineClass} is in a package {@code java.base} does not export). The agent asks
 * the JVM, through {@link Instrumentation#redefineModule}, to export {@code jdk.internal.misc} to one module
 * only: the unnamed module of a class loader of its own that holds a single class, {@link IsolatedDefiner}. That
 * loader's parent is the bootstrap loader and nothing refers to it but this class, so application code (in
 * other unnamed modules) gains no access it did not have.
 */
public final class ClassDefiner {

    /**
     * By name: {@link IsolatedDefiner} is compiled on its own (it needs a JDK-internal package), after this
     * class, so this class must not make javac compile it.
     */
    private static final String ISOLATED_DEFINER_NAME = "io.httppool.agent.instrumentation.IsolatedDefiner";
    private static final String ISOLATED_DEFINER = ISOLATED_DEFINER_NAME.replace('.', '/') + ".class";

    private final MethodHandle define;

    private ClassDefiner(MethodHandle define) {
        this.define = define;
    }

    /** Sets the definer up; throws when this JVM does not allow it (then helpers cannot be injected anywhere). */
    public static ClassDefiner create(Instrumentation instrumentation) throws Throwable {
        IsolatedLoader loader = new IsolatedLoader();
        byte[] definerBytes = bytesOf(ISOLATED_DEFINER);
        Class<?> definer = loader.define(definerBytes);
        instrumentation.redefineModule(Object.class.getModule(), Set.of(),
                Map.of("jdk.internal.misc", Set.of(loader.getUnnamedModule())), Map.of(), Set.of(), Map.of());
        MethodHandle handle = MethodHandles.publicLookup().findStatic(definer, "define",
                MethodType.methodType(Class.class, ClassLoader.class, String.class, byte[].class));
        ClassDefiner made = new ClassDefiner(handle);
        // One definition into a throw-away loader now: a JDK without that door (or that refuses the export) fails
        // here, where it means "no helpers anywhere", not later as a LinkageError taken for a duplicate helper.
        made.define(new IsolatedLoader(), ISOLATED_DEFINER_NAME, definerBytes);
        return made;
    }

    /** Defines {@code bytes} as class {@code name} (binary name) in {@code loader}. */
    public Class<?> define(ClassLoader loader, String name, byte[] bytes) throws Throwable {
        return (Class<?>) define.invokeExact(loader, name, bytes);
    }

    private static byte[] bytesOf(String resource) throws IOException {
        try (InputStream in = LoaderResources.open(ClassDefiner.class.getClassLoader(), resource)) {
            if (in == null) {
                throw new IOException(resource + " missing from the agent jar");
            }
            return in.readAllBytes();
        }
    }

    /** A loader of one class, whose unnamed module alone is granted {@code jdk.internal.misc}. */
    private static final class IsolatedLoader extends ClassLoader {
        static {
            registerAsParallelCapable();
        }

        IsolatedLoader() {
            super("http-pool-agent-definer", null);
        }

        Class<?> define(byte[] bytes) {
            return defineClass(null, bytes, 0, bytes.length);
        }
    }
}
