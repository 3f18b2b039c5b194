package io.httppool.agent.instrumentation;

import io.httppool.agent.instrumentation.apache4.Apache4Instrumentation;
import io.httppool.agent.instrumentation.apache5.Apache5Instrumentation;
import io.httppool.agent.instrumentation.apache5async.Apache5AsyncInstrumentation;
import io.httppool.agent.instrumentation.jdkhttp.JdkHttpInstrumentation;
import io.httppool.agent.instrumentation.okhttp.OkHttpInstrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the instrumentation (hooks, helpers, version checks) of a {@link KnownLibrary}, when one of its
 * classes first loads. Not a method of {@link KnownLibrary}: verifying a method that returns an instrumentation
 * loads the {@link LibraryInstrumentation} interface, and with the exception of its default branch, two classes
 * more in the premain of every JVM (~0.3 ms each); this class loads with the first library class instead.
 */
public final class LibraryInstrumentations {

    private LibraryInstrumentations() {
    }

    /** A new instrumentation of {@code known}. */
    static LibraryInstrumentation create(KnownLibrary known) {
        switch (known.id()) {
            case "apache5":
                return new Apache5Instrumentation();
            case "apache5-async":
                return new Apache5AsyncInstrumentation();
            case "jdk":
                return new JdkHttpInstrumentation();
            case "okhttp":
                return new OkHttpInstrumentation();
            case "apache4":
                return new Apache4Instrumentation();
            default:
                throw new IllegalStateException("no instrumentation for library " + known.id());
        }
    }

    /** An instrumentation of every library (tests). */
    public static List<LibraryInstrumentation> all() {
        List<LibraryInstrumentation> all = new ArrayList<>();
        for (KnownLibrary known : KnownLibrary.ALL) {
            all.add(create(known));
        }
        return all;
    }
}
