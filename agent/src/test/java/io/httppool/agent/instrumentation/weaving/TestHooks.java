package io.httppool.agent.instrumentation.weaving;

import java.util.ArrayList;
import java.util.List;

/** What the woven test target calls: records each call, answers what the test set. */
public final class TestHooks {

    public static final List<String> CALLS = new ArrayList<>();
    public static Object answer;
    public static boolean skip;

    private TestHooks() {
    }

    public static Object replaceBuild(Object self) {
        CALLS.add("enter build " + (self instanceof WeavingTarget));
        return answer;
    }

    public static boolean skipClose(Object self) {
        CALLS.add("enter close");
        return skip;
    }

    public static long timeout(long requested) {
        return requested * 10;
    }

    public static Object state(Object self, String id, Object state) {
        return "state-for-" + id;
    }

    public static String filter(String returned, Object self, String id) {
        CALLS.add("exit lease " + returned);
        return returned + "!";
    }

    public static void always(Throwable thrown, Object self, int argument) {
        CALLS.add("exit " + argument + " " + (thrown == null ? "normally" : thrown.getMessage()));
    }

    public static void wide(long a, double b, int c) {
        CALLS.add("wide " + a + " " + b + " " + c);
    }

    public static void constructed(Object self) {
        CALLS.add("constructed " + ((WeavingTarget) self).trace);
    }

    public static Boolean cachedProbe() {
        return (Boolean) answer;
    }

    public static boolean rememberProbe(boolean probed) {
        CALLS.add("probed " + probed);
        return probed;
    }

    /** Reached by reflection through the system class loader (a JDK class's hook). */
    public static final List<String> REFLECTED = new ArrayList<>();
    public static Object reflectedAnswer;

    public static Object reflected(Object[] values) {
        REFLECTED.add(java.util.Arrays.toString(values));
        if ("throw".equals(reflectedAnswer)) {
            throw new IllegalStateException("a failing agent");
        }
        return reflectedAnswer;
    }

    public static void named(Object self, String method, String label) {
        CALLS.add(method + " " + label);
    }
}
