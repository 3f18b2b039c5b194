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
 * <p>{@code ClassLoader.defineClass} is protected in a package of {@code java.base}. The agent asks the JVM,
 * through {@link Instrumentation#redefineModule}, to open {@code java.lang} to one module only: the unnamed
 * module of a class loader of its own that holds a single class, {@link IsolatedDefiner}. That loader's parent is
 * the bootstrap loader and nothing refers to it but this class, so application code (in other unnamed
 * modules) gains no access it did not have.
 */
public final class ClassDefiner {

    private final MethodHandle define;

    private ClassDefiner(MethodHandle define) {
        this.define = define;
    }

    /** Sets the definer up; throws when this JVM does not allow it (then helpers cannot be injected anywhere). */
    public static ClassDefiner create(Instrumentation instrumentation) throws Exception {
        IsolatedLoader loader = new IsolatedLoader();
        Class<?> definer = loader.define(bytesOf(IsolatedDefiner.class));
        instrumentation.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
                Map.of("java.lang", Set.of(loader.getUnnamedModule())), Set.of(), Map.of());
        MethodHandle handle = MethodHandles.publicLookup().findStatic(definer, "define",
                MethodType.methodType(Class.class, ClassLoader.class, String.class, byte[].class));
        return new ClassDefiner(handle);
    }

    /** Defines {@code bytes} as class {@code name} (binary name) in {@code loader}. */
    public Class<?> define(ClassLoader loader, String name, byte[] bytes) throws Throwable {
        return (Class<?>) define.invokeExact(loader, name, bytes);
    }

    private static byte[] bytesOf(Class<?> type) throws IOException {
        String resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = LoaderResources.open(ClassDefiner.class.getClassLoader(), resource)) {
            if (in == null) {
                throw new IOException(resource + " missing from the agent jar");
            }
            return in.readAllBytes();
        }
    }

    /** A loader of one class, whose unnamed module alone is granted access to {@code java.lang}. */
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
