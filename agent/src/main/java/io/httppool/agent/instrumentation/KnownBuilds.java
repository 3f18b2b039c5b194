package io.httppool.agent.instrumentation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The library builds this agent's own build ran the full {@link ReferenceCheck} on, and every class file
 * that check read, with its CRC-32. Where a class loader's copy of a library is one of them, file for file,
 * the check's answer is known ("passes") without reading and parsing ~50 class files on the application
 * thread that loaded the library's first class (about 25 ms of a one-call JVM's start on JDK 17). The CRCs
 * come from the directories of the jars the loader reads ({@link LoaderResources#crcOf}): nothing is
 * read or inflated to compare them. Any other build, a copy served from a directory or a nested jar,
 * or a single changed file gets the full check as before.
 *
 * <p>The list is {@value #RESOURCE}; {@code KnownBuildsTest} runs the full check on the library versions
 * of the build and fails when the list and what it finds differ, so it cannot list a build that was not
 * checked. JDK types the library's classes extend are read by reflection in the full check and are not
 * in the list: they are the running JDK's, and the members the hooks reach through them (those of
 * {@code Object}, {@code Closeable}...) are the same in every JDK the agent runs on.
 */
final class KnownBuilds {

    static final String RESOURCE = "io/httppool/agent/instrumentation/known-builds.txt";

    /**
     * One checked build: its label (library versions) and each class file's CRC-32. A plain class, not a
     * record: a record's equals and hashCode are bootstrapped through invokedynamic, milliseconds of the
     * first request in a JVM that had not used them yet.
     */
    static final class Build {
        private final String libraryId;
        private final String label;
        private final Map<String, Long> crcs;

        Build(String libraryId, String label, Map<String, Long> crcs) {
            this.libraryId = libraryId;
            this.label = label;
            this.crcs = crcs;
        }

        String libraryId() {
            return libraryId;
        }

        String label() {
            return label;
        }

        Map<String, Long> crcs() {
            return crcs;
        }
    }

    private static volatile Map<String, List<Build>> byLibrary;

    private KnownBuilds() {
    }

    /**
     * The label of the checked build {@code loader}'s copy of the library is, or null when it is none of
     * them. Call only while a preparation reads ({@link LoaderResources#acquire}).
     */
    static String recognised(String libraryId, ClassLoader loader) {
        List<Build> builds = all().get(libraryId);
        if (builds == null || loader == null) {
            return null;
        }
        for (Build build : builds) {
            if (matches(build, loader)) {
                return build.label();
            }
        }
        return null;
    }

    /** Whether every file of {@code build} has, in {@code loader}, the CRC listed. */
    static boolean matches(Build build, ClassLoader loader) {
        for (Map.Entry<String, Long> file : build.crcs().entrySet()) {
            if (LoaderResources.crcOf(loader, file.getKey()) != file.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Every listed build by library id; none when the list cannot be read (the full check runs then). */
    static Map<String, List<Build>> all() {
        Map<String, List<Build>> builds = byLibrary;
        if (builds == null) {
            try (InputStream in = LoaderResources.open(KnownBuilds.class.getClassLoader(), RESOURCE)) {
                builds = in == null ? Map.of() : parse(in);
            } catch (IOException | RuntimeException unreadable) {
                builds = Map.of();
            }
            byLibrary = builds;
        }
        return builds;
    }

    /**
     * The list's format: {@code #} comments; {@code build <library id> <label>} starts a build, and each
     * following {@code <class file> <crc32 hex>} line is one file of it.
     */
    static Map<String, List<Build>> parse(InputStream in) throws IOException {
        Map<String, List<Build>> builds = new HashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String libraryId = null;
        String label = null;
        Map<String, Long> crcs = null;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            line = line.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split(" ");
            if (words[0].equals("build") && words.length == 3) {
                add(builds, libraryId, label, crcs);
                libraryId = words[1];
                label = words[2];
                crcs = new LinkedHashMap<>();
            } else if (words.length == 2 && crcs != null) {
                crcs.put(words[0], Long.parseLong(words[1], 16));
            } else {
                throw new IOException("unreadable line in " + RESOURCE + ": " + line);
            }
        }
        add(builds, libraryId, label, crcs);
        return builds;
    }

    private static void add(Map<String, List<Build>> builds, String libraryId, String label, Map<String, Long> crcs) {
        if (libraryId == null || crcs.isEmpty()) {
            return;
        }
        List<Build> list = builds.get(libraryId);
        if (list == null) {
            list = new ArrayList<>();
            builds.put(libraryId, list);
        }
        list.add(new Build(libraryId, label, Map.copyOf(crcs)));
    }

    /** The list's text for {@code builds}, as {@link #parse} reads it. */
    static String format(List<Build> builds) {
        StringBuilder text = new StringBuilder();
        text.append("# Library builds the agent's build ran the full reference check on (see KnownBuilds), and the\n")
                .append("# CRC-32 of every class file the check read. Written by KnownBuildsTest: do not edit by hand.\n");
        for (Build build : builds) {
            text.append("build ").append(build.libraryId()).append(' ').append(build.label()).append('\n');
            for (Map.Entry<String, Long> file : new java.util.TreeMap<>(build.crcs()).entrySet()) {
                text.append(file.getKey()).append(' ').append(String.format("%08x", file.getValue())).append('\n');
            }
        }
        return text.toString();
    }
}
