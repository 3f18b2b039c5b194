package io.httppool.agent.bootstrap;

import io.httppool.agent.instrumentation.AdviceErrors;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The only transformer registered at start-up: a set lookup per loaded class. Byte Buddy (about a
 * thousand classes to load) is initialised in the background and consulted only for the handful of
 * library classes we instrument, so a JVM that never loads an HTTP library pays almost nothing, and
 * one that does pays in parallel with its own start-up instead of before {@code main}.
 */
final class DeferredTransformer implements ClassFileTransformer {

    private final Set<String> internalNames;
    private final Supplier<ClassFileTransformer> factory;
    private volatile ClassFileTransformer delegate;
    private volatile boolean failed;

    DeferredTransformer(Set<String> binaryNames, Supplier<ClassFileTransformer> factory) {
        this.internalNames = Set.copyOf(binaryNames.stream().map(n -> n.replace('.', '/')).toList());
        this.factory = factory;
    }

    boolean targets(String binaryName) {
        return internalNames.contains(binaryName.replace('.', '/'));
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null || !internalNames.contains(className)) {
            return null;
        }
        ClassFileTransformer real = delegate();
        if (real == null) {
            return null;
        }
        try {
            return real.transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
        } catch (Throwable error) {
            AdviceErrors.record("transformation of " + className, error);
            return null;
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        return transform(null, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    }

    /**
     * Transforms, and throws away, the instrumented classes {@code loader} can see but has not loaded yet,
     * so that the first real transformation (which the application waits for) runs on warm code with
     * parsed advice and a filled type pool. Run by the background thread only.
     */
    void warmUp(ClassLoader loader) {
        ClassFileTransformer real = delegate();
        if (real == null || loader == null) {
            return;
        }
        for (String internalName : internalNames) {
            try (java.io.InputStream in = loader.getResourceAsStream(internalName + ".class")) {
                if (in != null) {
                    real.transform(null, loader, internalName, null, null, in.readAllBytes());
                }
            } catch (Throwable error) {
                return; // warming up is an optimisation only
            }
        }
    }

    /** Builds the Byte Buddy transformer once; the warm-up thread usually got here first. */
    ClassFileTransformer delegate() {
        ClassFileTransformer real = delegate;
        if (real != null || failed) {
            return real;
        }
        synchronized (this) {
            if (delegate == null && !failed) {
                try {
                    delegate = factory.get();
                } catch (Throwable error) {
                    failed = true;
                    AdviceErrors.record("instrumentation set-up", error);
                }
            }
            return delegate;
        }
    }
}
