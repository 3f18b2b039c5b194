package io.httppool.agent.instrumentation.weaving;

import java.io.IOException;

/** A class to weave hooks into in tests: each method has a shape that makes the weaver's frames matter. */
public class WeavingTarget {

    public final StringBuilder trace = new StringBuilder();
    private final String label = "target";

    public WeavingTarget() {
        trace.append("constructed;");
    }

    public String build() {
        trace.append("build;");
        return "original";
    }

    public void close() {
        trace.append("closed;");
    }

    public String lease(String id, long timeout, Object state) {
        return id + "/" + timeout + "/" + state;
    }

    /** A loop right at the start: the method's first instruction carries a stack-map frame. */
    public int loopAtStart(int n) {
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += i;
        }
        return sum;
    }

    /** Its own handler must keep catching what it catches; only what escapes is seen as thrown. */
    public String ownHandler(int mode) throws IOException {
        try {
            if (mode == 1) {
                throw new IOException("caught inside");
            }
            if (mode == 2) {
                throw new IllegalStateException("escapes");
            }
        } catch (IOException expected) {
            return "handled";
        }
        if (mode == 3) {
            throw new IOException("escapes too");
        }
        return "plain";
    }

    public double wide(long a, double b, int c) {
        return a + b + c;
    }

    public static boolean probe() {
        return false;
    }

    public String jdkStyleBuild(int priority, long timeout) {
        return "built " + priority + " " + timeout;
    }

    public String label() {
        return label;
    }
}
