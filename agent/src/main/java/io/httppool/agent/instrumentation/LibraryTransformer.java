package io.httppool.agent.instrumentation;

import io.httppool.agent.log.AgentLog;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Turns a {@link LibraryInstrumentation} into Byte Buddy transformations. For each class loader the
 * library's version is checked and its helpers are injected before the first advice is woven in; a
 * loader where either fails keeps the library untouched.
 */
public final class LibraryTransformer implements AgentBuilder.Transformer {

    private static final Advice.ExceptionHandler RECORD_ERRORS = recordErrorsHandler();

    private final LibraryInstrumentation library;
    private final HelperInjector injector;
    private final List<LibraryInstrumentation.Hook> hooks;
    private final ClassFileLocator agentClasses = ClassFileLocator.ForClassLoader.of(LibraryTransformer.class.getClassLoader());
    // Weak keys: an undeployed web application's loader must not be kept by the agent.
    private final Map<ClassLoader, Map<String, Advice>> adviceByLoader = new WeakHashMap<>();
    private final Map<ClassLoader, TypePool> poolByLoader = new WeakHashMap<>();

    private LibraryTransformer(LibraryInstrumentation library) {
        this.library = library;
        this.injector = new HelperInjector(library.libraryName(), library.helperClassNames());
        this.hooks = library.hooks();
    }

    public static AgentBuilder register(AgentBuilder agent, LibraryInstrumentation library) {
        LibraryTransformer transformer = new LibraryTransformer(library);
        // One rule for all the library's types: transform() weaves every hook whose type matches.
        ElementMatcher.Junction<TypeDescription> anyHookedType = ElementMatchers.none();
        for (LibraryInstrumentation.Hook hook : transformer.hooks) {
            anyHookedType = anyHookedType.or(ElementMatchers.named(hook.typeName()));
        }
        return agent.type(anyHookedType).transform(transformer);
    }

    @Override
    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader,
                                            JavaModule module, ProtectionDomain protectionDomain) {
        String unsupported = library.unsupportedReason(loader);
        if (unsupported != null) {
            AgentLog.warnOnce("unsupported:" + library.libraryName() + "@" + System.identityHashCode(loader),
                    library.libraryName() + " in " + loader + " is left alone (no pooling): " + unsupported, null);
            return builder;
        }
        if (!injector.injectInto(loader)) {
            return builder;
        }
        AgentLog.infoOnce("instrumenting:" + library.libraryName() + "@" + System.identityHashCode(loader),
                "Pooling " + library.libraryName() + " " + library.versionIn(loader) + " in " + loader);
        DynamicType.Builder<?> result = builder;
        for (LibraryInstrumentation.Hook hook : hooks) {
            if (hook.typeName().equals(type.getName())) {
                result = result.visit(adviceFor(loader, hook).on(hook.methods()));
            }
        }
        return result;
    }

    /**
     * Advice is described from class files, never loaded: it names library types that only the
     * application's loader can resolve, so the type pool reads from both. Parsed once per loader and
     * hook: parsing it again for every instrumented class was most of the first request's wait.
     */
    private synchronized Advice adviceFor(ClassLoader loader, LibraryInstrumentation.Hook hook) {
        Map<String, Advice> perHook = adviceByLoader.computeIfAbsent(loader, l -> new HashMap<>());
        Advice advice = perHook.get(hook.adviceClassName());
        if (advice == null) {
            // Weakly referenced: the cached advice and type pool must not keep an undeployed application's loader.
            ClassFileLocator locator = new ClassFileLocator.Compound(agentClasses, ClassFileLocator.ForClassLoader.WeaklyReferenced.of(loader));
            TypePool pool = poolByLoader.computeIfAbsent(loader, l -> TypePool.Default.of(locator));
            TypeDescription adviceType = pool.describe(hook.adviceClassName()).resolve();
            advice = Advice.to(adviceType, locator).withExceptionHandler(RECORD_ERRORS);
            perHook.put(hook.adviceClassName(), advice);
        }
        return advice;
    }

    /** Inlined into every piece of advice: hands a suppressed exception to {@link AdviceErrors#record(Throwable)}. */
    private static Advice.ExceptionHandler recordErrorsHandler() {
        try {
            Method record = AdviceErrors.class.getMethod("record", Throwable.class);
            return new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(new MethodDescription.ForLoadedMethod(record)));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }
}
