package io.httppool.agent.instrumentation.weaving;

import static io.httppool.agent.instrumentation.weaving.Value.METHOD_NAME;
import static io.httppool.agent.instrumentation.weaving.Value.RETURNED;
import static io.httppool.agent.instrumentation.weaving.Value.THIS;
import static io.httppool.agent.instrumentation.weaving.Value.THROWN;
import static io.httppool.agent.instrumentation.weaving.Value.arg;
import static io.httppool.agent.instrumentation.weaving.Value.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Weaves hooks of every kind into {@link WeavingTarget}, loads the result (the JVM verifies its stack-map
 * frames), and runs it: the calls happen where they should, with the right values, and the method still
 * does what it did, including its own exception handling.
 */
class HookWeaverTest {

    private static final String TARGET = "io/httppool/agent/instrumentation/weaving/WeavingTarget";
    private static final String HOOKS = "io/httppool/agent/instrumentation/weaving/TestHooks";
    private static final String O = "Ljava/lang/Object;";
    private static final String S = "Ljava/lang/String;";

    private Class<?> woven;
    private Class<?> hooks;

    @BeforeEach
    void weave() throws Exception {
        List<Hook> all = List.of(
                Hook.on(TARGET, "<init>", "()V").onExit(Call.to(HOOKS, "constructed", "(" + O + ")V", THIS)),
                Hook.on(TARGET, "build", "()" + S).onEnterReturnIfNotNull(Call.to(HOOKS, "replaceBuild", "(" + O + ")" + O, THIS)),
                Hook.on(TARGET, "close", "()V").onEnterSkipIfTrue(Call.to(HOOKS, "skipClose", "(" + O + ")Z", THIS)),
                Hook.on(TARGET, "lease", "(" + S + "J" + O + ")" + S)
                        .onEnterReplaceArgument(1, Call.to(HOOKS, "timeout", "(J)J", arg(1)))
                        .onEnterReplaceArgument(2, Call.to(HOOKS, "state", "(" + O + S + O + ")" + O, THIS, arg(0), arg(2)))
                        .onExitReplaceReturn(Call.to(HOOKS, "filter", "(" + S + O + S + ")" + S, RETURNED, THIS, arg(0))),
                Hook.on(TARGET, "loopAtStart", "(I)I")
                        .onEnter(Call.to(HOOKS, "named", "(" + O + S + S + ")V", THIS, METHOD_NAME, field("label", S)))
                        .onExitAlways(Call.to(HOOKS, "always", "(Ljava/lang/Throwable;" + O + "I)V", THROWN, THIS, arg(0))),
                Hook.on(TARGET, "ownHandler", "(I)" + S)
                        .onExitAlways(Call.to(HOOKS, "always", "(Ljava/lang/Throwable;" + O + "I)V", THROWN, THIS, arg(0))),
                Hook.on(TARGET, "wide", "(JDI)D").onEnter(Call.to(HOOKS, "wide", "(JDI)V", arg(0), arg(1), arg(2))),
                Hook.on(TARGET, "probe", "()Z")
                        .onEnterReturnIfNotNull(Call.to(HOOKS, "cachedProbe", "()Ljava/lang/Boolean;"))
                        .onExitReplaceReturn(Call.to(HOOKS, "rememberProbe", "(Z)Z", RETURNED)));
        HookWeaver.Result result = HookWeaver.weave(bytesOf(TARGET), all);
        assertEquals(all.size(), result.applied().size(), "every hook found its method");
        Loader loader = new Loader(Map.of(TARGET.replace('/', '.'), result.bytes(), HOOKS.replace('/', '.'), bytesOf(HOOKS)));
        woven = Class.forName(TARGET.replace('/', '.'), true, loader);
        hooks = Class.forName(HOOKS.replace('/', '.'), true, loader);
        calls().clear();
        hooks.getField("answer").set(null, null);
        hooks.getField("skip").set(null, false);
    }

    @Test
    void exitOfAConstructorSeesTheBuiltObject() throws Exception {
        woven.getConstructor().newInstance();
        assertEquals(List.of("constructed constructed;"), calls());
    }

    @Test
    void returnIfNotNullReturnsTheAnswerInsteadOfRunningTheMethod() throws Exception {
        Object target = newTarget();
        assertEquals("original", call(target, "build"));
        hooks.getField("answer").set(null, "replaced");
        assertEquals("replaced", call(target, "build"));
        assertEquals("constructed;build;", woven.getField("trace").get(target).toString(), "the body ran once only");
        assertEquals(List.of("enter build true", "enter build true"), calls());
    }

    @Test
    void skipIfTrueSkipsAVoidMethod() throws Exception {
        Object target = newTarget();
        call(target, "close");
        hooks.getField("skip").set(null, true);
        call(target, "close");
        assertEquals("constructed;closed;", woven.getField("trace").get(target).toString());
    }

    @Test
    void argumentsAreReplacedAndTheReturnValueFiltered() throws Exception {
        Object target = newTarget();
        Method lease = woven.getMethod("lease", String.class, long.class, Object.class);
        assertEquals("id1/50/state-for-id1!", lease.invoke(target, "id1", 5L, "ignored"));
        assertEquals(List.of("exit lease id1/50/state-for-id1"), calls());
    }

    @Test
    void aLoopAtTheFirstInstructionStillVerifiesAndRuns() throws Exception {
        Object target = newTarget();
        assertEquals(6, woven.getMethod("loopAtStart", int.class).invoke(target, 4));
        assertEquals(List.of("loopAtStart target", "exit 4 normally"), calls());
    }

    @Test
    void exitAlwaysSeesOnlyWhatEscapesAndRethrowsIt() throws Exception {
        Object target = newTarget();
        Method method = woven.getMethod("ownHandler", int.class);
        assertEquals("plain", method.invoke(target, 0));
        assertEquals("handled", method.invoke(target, 1), "the method's own handler still wins");
        InvocationTargetException escaped = assertThrows(InvocationTargetException.class, () -> method.invoke(target, 2));
        assertEquals(IllegalStateException.class, escaped.getCause().getClass());
        InvocationTargetException checked = assertThrows(InvocationTargetException.class, () -> method.invoke(target, 3));
        assertEquals(IOException.class, checked.getCause().getClass());
        assertEquals(List.of("exit 0 normally", "exit 1 normally", "exit 2 escapes", "exit 3 escapes too"), calls());
    }

    @Test
    void wideArgumentsAreReadFromTheirSlots() throws Exception {
        Object target = newTarget();
        assertEquals(8.5, woven.getMethod("wide", long.class, double.class, int.class).invoke(target, 3L, 2.5, 3));
        assertEquals(List.of("wide 3 2.5 3"), calls());
    }

    @Test
    void aStaticPrimitiveMethodReturnsTheUnboxedAnswerOrRemembersItsOwn() throws Exception {
        Method probe = woven.getMethod("probe");
        assertEquals(false, probe.invoke(null));
        hooks.getField("answer").set(null, Boolean.TRUE);
        assertEquals(true, probe.invoke(null));
        assertEquals(List.of("probed false"), calls(), "the exit runs only when the method itself ran");
    }

    @Test
    void aReflectiveEntryCallReachesTheSystemLoaderAndAnyFailureMeansProceed() throws Exception {
        List<Hook> reflective = List.of(Hook.on(TARGET, "jdkStyleBuild", "(IJ)" + S)
                .onEnterReturnIfNotNull(Call.reflective(HOOKS, "reflected", THIS, arg(0), arg(1), field("label", S))));
        HookWeaver.Result result = HookWeaver.weave(bytesOf(TARGET), reflective);
        // Only the target in a loader of its own: the call must find TestHooks through the system class loader.
        Class<?> target = Class.forName(TARGET.replace('/', '.'), true, new Loader(Map.of(TARGET.replace('/', '.'), result.bytes())));
        Object instance = target.getConstructor().newInstance();
        java.lang.reflect.Method build = target.getMethod("jdkStyleBuild", int.class, long.class);
        TestHooks.REFLECTED.clear();
        TestHooks.reflectedAnswer = null;
        assertEquals("built 7 9", build.invoke(instance, 7, 9L));
        assertEquals(1, TestHooks.REFLECTED.size());
        assertEquals(true, TestHooks.REFLECTED.get(0).endsWith(", 7, 9, target]"), TestHooks.REFLECTED.get(0));
        TestHooks.reflectedAnswer = "from the agent";
        assertEquals("from the agent", build.invoke(instance, 7, 9L));
        TestHooks.reflectedAnswer = "throw";
        assertEquals("built 1 2", build.invoke(instance, 1, 2L), "a failing agent: the method runs as it is");
        TestHooks.reflectedAnswer = null;
    }

    @Test
    void aHookWhoseMethodIsAbsentIsNotApplied() throws Exception {
        HookWeaver.Result result = HookWeaver.weave(bytesOf(TARGET),
                List.of(Hook.on(TARGET, "build", "(I)" + S).onEnter(Call.to(HOOKS, "wide", "(JDI)V"))));
        assertNull(result.bytes());
        assertEquals(List.of(), result.applied());
    }

    private Object newTarget() throws Exception {
        Object target = woven.getConstructor().newInstance();
        calls().clear();
        return target;
    }

    private Object call(Object target, String method) throws Exception {
        return woven.getMethod(method).invoke(target);
    }

    @SuppressWarnings("unchecked")
    private List<String> calls() throws Exception {
        return (List<String>) hooks.getField("CALLS").get(null);
    }

    static byte[] bytesOf(String internalName) throws IOException {
        try (InputStream in = HookWeaverTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Defines the given classes itself (child first), everything else from the parent. */
    static final class Loader extends ClassLoader {
        private final Map<String, byte[]> classes;

        Loader(Map<String, byte[]> classes) {
            super(HookWeaverTest.class.getClassLoader());
            this.classes = classes;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                byte[] bytes = classes.get(name);
                if (bytes == null) {
                    return super.loadClass(name, resolve);
                }
                Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : defineClass(name, bytes, 0, bytes.length);
            }
        }
    }
}
