package io.httppool.agent.instrumentation;

import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
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

    /**
     * Binary names of every type the hooks touch. Read at start-up without Byte Buddy, so the agent can
     * defer loading it until one of these classes actually loads.
     */
    java.util.Set<String> instrumentedTypes();

    List<Hook> hooks();

    /** Advice (by binary class name) applied to the methods of one type (by binary name). */
    record Hook(String typeName,
                ElementMatcher<? super MethodDescription> methods,
                String adviceClassName) {
    }
}
