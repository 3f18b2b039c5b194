package io.httppool.agent.instrumentation;

import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One instrumented HTTP library: which of its methods get which advice, which helper classes the advice
 * calls, and whether the copy of the library found in a class loader is one we know how to handle.
 */
public interface LibraryInstrumentation {

    /** For log lines: "Apache HttpClient 5 (classic)". */
    String libraryName();

    /** Helper classes (binary names) defined into every class loader whose copy of the library gets advice. */
    List<String> helperClassNames();

    /**
     * Why the copy of the library visible from {@code loader} must be left alone (an unknown version,
     * say), or null when it is supported.
     */
    String unsupportedReason(ClassLoader loader);

    /** A short version string of the library in {@code loader}, for the log. */
    String versionIn(ClassLoader loader);

    List<Hook> hooks();

    /** Advice (by binary class name) applied to the methods of one type. */
    record Hook(ElementMatcher<? super TypeDescription> type,
                ElementMatcher<? super MethodDescription> methods,
                String adviceClassName) {
    }
}
