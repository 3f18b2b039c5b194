package io.httppool.agent.instrumentation;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

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
    /** Jars opened by {@link #jarOf} for the preparations running now (null: could not be opened), by root. */
    private static final Map<String, JarFile> OPEN_JARS = new HashMap<>();
    private static int preparations;

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
        String root = remember(loader, url, name);
        JarFile jar = root == null ? null : jarOf(root);
        InputStream direct = jar == null ? null : entryOf(jar, name);
        return direct != null ? direct : url.openStream();
    }

    /**
     * The CRC-32 that the jar's directory records for {@code name} as {@code loader} (not the bootstrap loader)
     * sees it, found the way {@link #open} finds the file, and without reading or inflating it; -1 when the name
     * is absent, or when it is served from anything but a plain jar (a directory, a nested jar), where no CRC is
     * at hand. Only while a preparation runs ({@link #acquire}), like every jar read here.
     */
    static long crcOf(ClassLoader loader, String name) {
        if (loader == null) {
            return -1;
        }
        for (String root : rootsOf(loader)) {
            JarFile jar = jarOf(root);
            if (jar != null) {
                JarEntry entry = jar.getJarEntry(name);
                if (entry != null) {
                    return entry.getCrc();
                }
            } else if (!absentUnder(root, name)) {
                return -1; // served from a directory (or may be): no CRC without reading it
            }
        }
        URL url = loader.getResource(name);
        String root = url == null ? null : remember(loader, url, name);
        JarFile jar = root == null ? null : jarOf(root);
        JarEntry entry = jar == null ? null : jar.getJarEntry(name);
        return entry == null ? -1 : entry.getCrc();
    }

    /** Whether {@code root} is a directory that does not hold {@code name}; false when unsure. */
    private static boolean absentUnder(String root, String name) {
        if (!root.startsWith("file:")) {
            return false;
        }
        try {
            return !new File(new URI(root + name)).exists();
        } catch (URISyntaxException | RuntimeException unsure) {
            return false;
        }
    }

    /**
     * Reads through a {@link JarFile} of the agent's own while a library is being prepared
     * ({@link #acquire}..{@link #release}): a {@code jar:} URL per name goes through the URL handler's
     * connection and cache for every class file, ~60% more time than the entry lookup itself for the ~50
     * files of the first library (6 ms of the first request, JDK 17). The JVM shares a jar's parsed
     * directory between its open instances, so opening it again is cheap. Null when not preparing, when
     * the root is not a plain {@code jar:file:} root (a nested jar, another scheme), or when it cannot be
     * opened: the URL then serves the name as before.
     */
    private static synchronized JarFile jarOf(String root) {
        if (preparations == 0 || !root.startsWith("jar:file:") || root.indexOf("!/") != root.length() - 2) {
            return null;
        }
        if (!OPEN_JARS.containsKey(root)) {
            JarFile jar;
            try {
                File file = new File(new URI(root.substring("jar:".length(), root.length() - "!/".length())));
                // Not verified (the loader verifies what it loads; this only reads), versioned as the loader
                // reads a multi-release jar.
                jar = new JarFile(file, false, ZipFile.OPEN_READ, JarFile.runtimeVersion());
            } catch (IOException | URISyntaxException | RuntimeException notAPlainJar) {
                jar = null;
            }
            OPEN_JARS.put(root, jar);
        }
        return OPEN_JARS.get(root);
    }

    /** A library preparation starts reading: jars opened from now on stay open until the last one ends. */
    static synchronized void acquire() {
        preparations++;
    }

    /** A preparation ended: when none is left, the jars opened for them are closed (no file stays open). */
    static synchronized void release() {
        if (--preparations > 0) {
            return;
        }
        preparations = 0;
        for (JarFile jar : OPEN_JARS.values()) {
            if (jar != null) {
                try {
                    jar.close();
                } catch (IOException ignored) {
                    // Only read from; nothing to lose.
                }
            }
        }
        OPEN_JARS.clear();
    }

    /** Whether a jar is open for reading now (tests). */
    static synchronized boolean anyJarOpen() {
        return !OPEN_JARS.isEmpty();
    }

    /** The entry {@code name} of {@code jar}, or null when it has none or it cannot be read. */
    private static InputStream entryOf(JarFile jar, String name) {
        try {
            JarEntry entry = jar.getJarEntry(name);
            return entry == null ? null : jar.getInputStream(entry);
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    private static InputStream openUnder(String root, String name) {
        JarFile jar = jarOf(root);
        if (jar != null) {
            return entryOf(jar, name);
        }
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
    private static synchronized String remember(ClassLoader loader, URL url, String name) {
        String full = url.toString();
        String protocol = url.getProtocol();
        if (!full.endsWith(name) || !("jar".equals(protocol) || "file".equals(protocol))) {
            return null; // a scheme whose URLs we cannot build by appending a name: keep asking the loader
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
        return root;
    }
}
