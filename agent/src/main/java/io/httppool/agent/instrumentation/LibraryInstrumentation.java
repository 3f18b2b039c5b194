package io.httppool.agent.instrumentation;

import io.httppool.agent.instrumentation.weaving.Hook;
import java.util.List;

/**
 * One instrumented HTTP library: its hooks, the helper classes those hooks call, and how to tell whether
 * the copy of the library found in a class loader is one the hooks fit.
 */
public interface LibraryInstrumentation {

    /** Short id used in pool names and per-library settings: {@code apache5}, {@code jdk}, {@code okhttp}... */
    String id();

    /** For log lines: "Apache HttpClient 5 (classic)". */
    String libraryName();

    /** Internal-name prefixes of the library's packages, e.g. {@code org/apache/hc/}: what the version check covers. */
    List<String> packages();

    /**
     * Helper classes (binary names) defined in every class loader whose copy of the library is woven (but the
     * agent's own, which loads them from the agent jar as it loaded the agent), in an order where a helper's
     * supertypes come first. Empty when the hooks reach the agent another way.
     */
    List<String> helperClassNames();

    /**
     * Helpers written for some versions of the library only: helper binary name to what a copy of the
     * library must have for that helper to be checked and defined, a class ({@code org/x/Type}) or a method
     * of one ({@code org/x/Type#method}). The other helpers choose between such variants at run time (see
     * {@code Apache5Versions}), by the same test.
     */
    default java.util.Map<String, String> helpersRequiring() {
        return java.util.Map.of();
    }

    /** The library's version visible from {@code loader}, for the log ("5.5.1", or "unknown"). */
    String versionIn(ClassLoader loader);

    /**
     * Why the copy of the library in {@code loader} must be left alone beyond what the reference check
     * finds (a version known to misbehave, say), or null.
     */
    default String unsupportedReason(ClassLoader loader) {
        return null;
    }

    List<Hook> hooks();
}
