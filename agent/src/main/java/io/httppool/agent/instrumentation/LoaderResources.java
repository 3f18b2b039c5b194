package io.httppool.agent.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Opens resources (class files, version files) of a class loader the way the agent needs them when a
 * library is first prepared: tens of class files in a row, all from the same few jars.
 *
 * <p>Why not just {@link ClassLoader#getResourceAsStream}: it asks the bootstrap and platform loaders first,
 * and for a package none of the JDK's modules holds ({@code org.apache.hc...}) each of them searches every
 * module it defines, for every name. On the first request of a one-call JVM that was most of the agent's
 * own start-up work (about 40 class files and helpers read that way). Here a loader is asked once; the root
 * its answer came from (a jar, or a classes directory) is remembered for that loader and tried first for
 * the next names, and the loader is asked again only for names not found there.
 *
 * <p>The one difference from the loader's own search: a name present in two roots of one loader is read
 * from the root that served an earlier name, not necessarily from the first on the loader's path. The agent
 * reads class files to check that members exist and its own helpers; a class duplicated across jars of one
 * loader would have to differ for that to matter.
 */
final class LoaderResources {

    /** Roots each loader has served resources from, in the order learned; weak, so no loader is pinned. */
    private static final Map<ClassLoader, List<String>> ROOTS = new WeakHashMap<>();

    private LoaderResources() {
    }

    /** The resource {@code name} as {@code loader} (null: the bootstrap loader) sees it, or null when absent. */
    static InputStream open(ClassLoader loader, String name) throws IOException {
        if (loader == null) {
            return ClassLoader.getSystemResourceAsStream(name);
        }
        for (String root : rootsOf(loader)) {
            InputStream in = openUnder(root, name);
            if (in != null) {
                return in;
            }
        }
        URL url = loader.getResource(name);
        if (url == null) {
            return null;
        }
        remember(loader, url, name);
        return url.openStream();
    }

    private static InputStream openUnder(String root, String name) {
        try {
            return new URL(root + name).openStream();
        } catch (IOException | RuntimeException notThere) {
            return null; // FileNotFoundException for a jar entry or file that is not there; anything else: ask the loader
        }
    }

    private static synchronized List<String> rootsOf(ClassLoader loader) {
        List<String> roots = ROOTS.get(loader);
        return roots == null ? List.of() : List.copyOf(roots);
    }

    /** {@code jar:file:/x.jar!/a/B.class} for {@code a/B.class} teaches the root {@code jar:file:/x.jar!/}. */
    private static synchronized void remember(ClassLoader loader, URL url, String name) {
        String full = url.toString();
        String protocol = url.getProtocol();
        if (!full.endsWith(name) || !("jar".equals(protocol) || "file".equals(protocol))) {
            return; // a scheme whose URLs we cannot build by appending a name: keep asking the loader
        }
        String root = full.substring(0, full.length() - name.length());
        List<String> roots = ROOTS.get(loader);
        if (roots == null) {
            roots = new ArrayList<>();
            ROOTS.put(loader, roots); // not computeIfAbsent: a first lambda costs milliseconds on this path
        }
        if (!roots.contains(root)) {
            roots.add(root);
        }
    }
}
