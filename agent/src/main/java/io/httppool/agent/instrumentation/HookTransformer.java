package io.httppool.agent.instrumentation;

import io.httppool.agent.instrumentation.weaving.Hook;
import io.httppool.agent.instrumentation.weaving.HookWeaver;
import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.FaultPoint;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.pool.PoolRegistry;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The agent's one class-file transformer. For every class the JVM loads it does a hash lookup of the
 * name; only the few library classes the hooks name go further:
 * <ol>
 *   <li>once per library and class loader: the library must be switched on, its version must have every
 *       member the hooks and helpers use ({@link ReferenceCheck}), the loader must see the agent's own
 *       classes, and the helper classes are defined in it (the agent's own loader finds them in the agent jar
 *       by itself); a loader where any of this fails keeps the
 *       library untouched, and one log line says why;</li>
 *   <li>the class's hooked methods get their calls ({@link HookWeaver}).</li>
 * </ol>
 * Nothing here throws to the JVM: an error leaves the class as it was and is counted.
 *
 * <p>Locking rule: this runs on the application thread that loads the class, possibly holding that
 * loader's lock. It takes only its own monitors: the transformer's for a map look-up, taking nothing inside
 * it; a library's while that library is prepared for a loader, and inside it the definer's while the definer
 * is set up (once). None is held while waiting for another thread: it reads resources and defines helper classes, it
 * never waits for an agent thread, and no agent thread ever waits for it. So it cannot deadlock with the
 * application's class loading.
 */
public final class HookTransformer implements ClassFileTransformer {

    private final Map<String, List<KnownLibrary>> librariesByType = new HashMap<>();
    private final Instrumentation instrumentation;
    private final Runnable onFirstPool;
    /** Guarded by this transformer; made when a library's first class loads. */
    private final Map<KnownLibrary, LibrarySupport> supports = new HashMap<>();
    private final Object definerLock = new Object();
    /** Guarded by {@link #definerLock}; set up when a library first needs its helpers defined. */
    private ClassDefiner definer;
    private boolean definerFailed;

    /**
     * Only names are read here (see {@link KnownLibrary}): each library's hooks, and the agent's own set-up for
     * any library (helper-class definer, {@code onFirstPool}), wait for the first hooked class to load, since every
     * class loaded in premain is start-up time of every JVM, one that never loads an HTTP client included.
     *
     * @param onFirstPool handed to {@link PoolRegistry#onFirstPool} when the first hooked class loads
     */
    public HookTransformer(List<KnownLibrary> libraries, Instrumentation instrumentation, Runnable onFirstPool) {
        this.instrumentation = instrumentation;
        this.onFirstPool = onFirstPool;
        // Plain loops, no lambdas: this runs in premain, where the first lambda costs milliseconds.
        for (KnownLibrary known : libraries) {
            for (String type : known.hookedTypes()) {
                addTo(librariesByType, type, known);
            }
        }
    }

    /** Adds {@code value} to the list of {@code key}; no computeIfAbsent, since premain avoids lambdas. */
    private static <K, V> void addTo(Map<K, List<V>> lists, K key, V value) {
        List<V> list = lists.get(key);
        if (list == null) {
            list = new ArrayList<>();
            lists.put(key, list);
        }
        list.add(value);
    }

    /** Internal names of every hooked type: classes already loaded with these names are retransformed on late attach. */
    public Set<String> targetTypes() {
        return librariesByType.keySet();
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null) {
            return null;
        }
        List<KnownLibrary> libraries = librariesByType.get(className);
        if (libraries == null) {
            return null;
        }
        try {
            FaultPoint.reached("transform");
            byte[] bytes = classfileBuffer;
            boolean changed = false;
            for (KnownLibrary library : libraries) {
                LibrarySupport support = supportOf(library);
                if (!support.readyIn(loader)) {
                    continue;
                }
                byte[] woven = support.weave(className, bytes);
                if (woven != null) {
                    bytes = woven;
                    changed = true;
                    if (AgentLog.debugEnabled()) {
                        AgentLog.log().debug("instrumented {} in {}", className, loader);
                    }
                }
            }
            return changed ? bytes : null;
        } catch (Throwable error) {
            AgentErrors.record("transformation of " + className.replace('/', '.'), error);
            return null;
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        return transform(null, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    }

    /**
     * The library's support, made on its first hooked class. The first of all hands {@code onFirstPool} to the
     * registry, outside the transformer's monitor (the registry may run it at once if a pool exists already).
     */
    private LibrarySupport supportOf(KnownLibrary library) {
        LibrarySupport support;
        boolean first;
        synchronized (this) {
            support = supports.get(library);
            if (support != null) {
                return support;
            }
            first = supports.isEmpty();
            support = new LibrarySupport(library);
            supports.put(library, support);
        }
        if (first) {
            PoolRegistry.onFirstPool(onFirstPool);
        }
        return support;
    }

    /**
     * The helper-class definer, set up on first use; null when this JVM refuses one (counted once). Its own
     * monitor: setting it up takes milliseconds, and other libraries' classes need not wait for that.
     */
    private ClassDefiner definer() {
        synchronized (definerLock) {
            if (definer == null && !definerFailed) {
                try {
                    definer = ClassDefiner.create(instrumentation);
                } catch (Throwable error) {
                    definerFailed = true;
                    AgentErrors.record("setting up helper-class injection", error);
                }
            }
            return definer;
        }
    }

    /**
     * One library's per-loader decision: checked and prepared once, remembered weakly. The library's
     * instrumentation, helpers and hooks are made on its first class's load.
     */
    private final class LibrarySupport {
        private final KnownLibrary known;
        private final Map<ClassLoader, Boolean> ready = new WeakHashMap<>();
        private Boolean readyInBootLoader;
        private LibraryInstrumentation library;
        private HelperInjector helpers;
        private Map<String, List<Hook>> hooksByType;

        LibrarySupport(KnownLibrary known) {
            this.known = known;
        }

        /** Made once, under this object's lock (every caller holds it). */
        private LibraryInstrumentation library() {
            if (library == null) {
                LibraryInstrumentation made = LibraryInstrumentations.create(known);
                Map<String, List<Hook>> byType = new HashMap<>();
                for (Hook hook : made.hooks()) {
                    addTo(byType, hook.type(), hook);
                }
                helpers = new HelperInjector(made.helperClassNames(), made.helpersRequiring());
                hooksByType = byType;
                library = made;
            }
            return library;
        }

        /**
         * {@code classFile} with this library's hooks on {@code type} woven in, null when it has none there: the
         * listed woven copy when the class file is one the build wove ({@link Prewoven}), else woven now.
         */
        byte[] weave(String type, byte[] classFile) {
            List<Hook> hooks = hooksOn(type);
            byte[] woven = Prewoven.woven(known.id(), type, classFile, hooks);
            return woven != null ? woven : HookWeaver.weave(classFile, hooks).bytes();
        }

        /** The hooks of this library on {@code type} (internal name); empty if it has none there. */
        synchronized List<Hook> hooksOn(String type) {
            library();
            List<Hook> hooks = hooksByType.get(type);
            return hooks == null ? List.of() : hooks;
        }

        synchronized boolean readyIn(ClassLoader loader) {
            Boolean known = loader == null ? readyInBootLoader : ready.get(loader);
            if (known == null) {
                known = prepare(loader);
                if (loader == null) {
                    readyInBootLoader = known;
                } else {
                    ready.put(loader, known);
                }
            }
            return known;
        }

        private boolean prepare(ClassLoader loader) {
            LoaderResources.acquire();
            try {
                return prepareReading(loader);
            } finally {
                LoaderResources.release();
            }
        }

        private boolean prepareReading(ClassLoader loader) {
            String name = known.id();
            LibraryInstrumentation library;
            try {
                library = library();
                name = library.libraryName();
            } catch (Throwable error) {
                AgentErrors.record("setting up the instrumentation of " + name, error);
                return false;
            }
            String where = loader == null ? "the bootstrap class loader" : loader.toString();
            try {
                FaultPoint.reached("libraryPrepare");
                String unsupported = library.unsupportedReason(loader);
                String build = unsupported == null ? KnownBuilds.recognised(library.id(), loader) : null;
                boolean helpersLoadThemselves = sharesTheAgentsLoader(loader);
                // Read only to be checked or defined: a known build in the agent's own loader needs neither.
                Map<String, byte[]> helperBytes = unsupported == null && (build == null || !helpersLoadThemselves)
                        ? helpers.bytesFor(loader, build != null) : Map.of();
                if (unsupported == null) {
                    if (build != null) {
                        if (AgentLog.debugEnabled()) {
                            AgentLog.log().debug("{} in {} is build {}, checked when the agent was built: no reference check",
                                    name, where, build);
                        }
                    } else {
                        String missing = ReferenceCheck.missing(loader, library.hooks(), helperBytes, library.packages());
                        if (missing != null) {
                            unsupported = "version " + library.versionIn(loader) + " lacks " + missing;
                        }
                    }
                }
                if (unsupported == null && !library.helperClassNames().isEmpty()) {
                    unsupported = agentUnreachableFrom(loader);
                }
                if (unsupported != null) {
                    AgentLog.log().warn("{} in {} is left alone (no pooling): {}", name, where, unsupported);
                    return false;
                }
                if (!library.helperClassNames().isEmpty() && !helpersLoadThemselves) {
                    ClassDefiner classDefiner = definer();
                    if (classDefiner == null) {
                        AgentLog.log().warn("{} in {} is left alone (no pooling): this JVM does not let the agent"
                                + " define its helper classes", name, where);
                        return false;
                    }
                    helpers.injectInto(loader, helperBytes, classDefiner);
                }
                AgentLog.info("Pooling " + name + " " + library.versionIn(loader) + " in " + where);
                return true;
            } catch (Throwable error) {
                AgentErrors.record("preparing " + name + " in " + where, error);
                return false;
            }
        }

        /**
         * Whether {@code loader} is the one that loaded the agent (the application class loader, which the JVM
         * gives the agent jar to), so that it finds the helper classes in the agent jar by itself, as it found
         * this class: defining them there would put the same bytes in the same loader, and costs reading them,
         * the definer's set-up and the definition of every helper on the first request (17-20 ms timed inside,
         * of which a one-call JVM's whole run saves ~5 ms: the application loads the JDK classes involved later
         * anyway). A library in any other loader (a fat jar's, a web application's) gets them defined.
         */
        private static boolean sharesTheAgentsLoader(ClassLoader loader) {
            return loader != null && loader == HookTransformer.class.getClassLoader();
        }

        /**
         * Helpers call the agent's library-independent classes (pools registry, settings, errors): a loader
         * that does not delegate to the agent's loader (an OSGi bundle, say) would fail to link them.
         */
        private static String agentUnreachableFrom(ClassLoader loader) {
            if (loader == null) {
                return "helper classes cannot be defined in the bootstrap class loader";
            }
            try {
                if (Class.forName(AgentErrors.class.getName(), false, loader) == AgentErrors.class) {
                    return null;
                }
            } catch (ClassNotFoundException | LinkageError notVisible) {
                // reported below
            }
            return "this class loader does not delegate to the one that loaded the agent, so the agent's"
                    + " helper classes could not link there";
        }
    }
}
