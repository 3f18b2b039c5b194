package io.httppool.agent.instrumentation;

import io.httppool.agent.log.AgentErrors;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Defines a library's helper classes inside the class loader that loaded the library, so that code
 * naming the library's types links against the application's own copy of it. Each loader gets its own
 * copy of the helpers, and with it its own static pool registry.
 */
final class HelperInjector {

    private final List<String> helperClassNames;
    private final Map<String, String> requiredLibraryClass;
    private volatile Map<String, byte[]> helperBytes;

    HelperInjector(List<String> helperClassNames) {
        this(helperClassNames, Map.of());
    }

    /** @param requiredLibraryClass see {@link LibraryInstrumentation#helpersRequiring()} */
    HelperInjector(List<String> helperClassNames, Map<String, String> requiredLibraryClass) {
        this.helperClassNames = List.copyOf(helperClassNames);
        this.requiredLibraryClass = Map.copyOf(requiredLibraryClass);
    }

    /**
     * The helpers that fit the copy of the library {@code loader} sees: all but those written for versions
     * with a class or method this copy lacks (see {@link ReferenceCheck#holds}: nothing is loaded). A
     * {@code knownBuild} ({@link KnownBuilds}) has every one: {@code KnownBuildsTest} lists no build where a
     * requirement fails, and the files the requirements read are among those a known build matches.
     */
    Map<String, byte[]> bytesFor(ClassLoader loader, boolean knownBuild) throws IOException {
        Map<String, byte[]> all = bytes();
        if (requiredLibraryClass.isEmpty() || knownBuild) {
            return all;
        }
        Map<String, byte[]> fitting = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> helper : all.entrySet()) {
            String required = requiredLibraryClass.get(helper.getKey());
            if (required == null || ReferenceCheck.holds(loader, required)) {
                fitting.put(helper.getKey(), helper.getValue());
            }
        }
        return fitting;
    }


    /** The helpers' class files, read once from the agent jar. */
    Map<String, byte[]> bytes() throws IOException {
        Map<String, byte[]> bytes = helperBytes;
        if (bytes == null) {
            bytes = new LinkedHashMap<>();
            ClassLoader own = HelperInjector.class.getClassLoader();
            for (String name : helperClassNames) {
                String resource = name.replace('.', '/') + ".class";
                try (InputStream in = LoaderResources.open(own, resource)) {
                    if (in == null) {
                        throw new IOException("helper class " + resource + " missing from the agent jar");
                    }
                    bytes.put(name, in.readAllBytes());
                }
            }
            helperBytes = bytes;
        }
        return bytes;
    }

    /**
     * Defines {@code helpers} ({@link #bytesFor} {@code loader}) in {@code loader}. Helpers are neither linked
     * nor initialised here: this runs inside a class-file transformer, where running their static initialisers
     * could load the very class being transformed.
     */
    void injectInto(ClassLoader loader, Map<String, byte[]> helpers, ClassDefiner definer) throws Throwable {
        for (Map.Entry<String, byte[]> helper : helpers.entrySet()) {
            try {
                definer.define(loader, helper.getKey(), helper.getValue());
            } catch (LinkageError alreadyThere) {
                // Defined by an earlier attempt that failed half-way (or by a racing thread): keep it.
                AgentErrors.record("helper " + helper.getKey() + " already defined in " + loader, alreadyThere);
            }
        }
    }
}
