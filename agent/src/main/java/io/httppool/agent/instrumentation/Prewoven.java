package io.httppool.agent.instrumentation;

import io.httppool.agent.instrumentation.weaving.ClassFilePatch;
import io.httppool.agent.instrumentation.weaving.Hook;
import io.httppool.agent.instrumentation.weaving.HookFingerprint;
import io.httppool.agent.log.AgentErrors;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The hooked classes of the library builds this agent's build tested, already woven: for each, the CRC-32
 * and length of the original class file and a {@link ClassFilePatch} that turns it into what
 * {@link io.httppool.agent.instrumentation.weaving.HookWeaver} makes of it. A class file that is one of them
 * byte for byte gets its woven bytes without ASM: in a JVM that calls out once, loading and running the
 * weaver cold was ~30 ms of the first request on JDK 17. Any other class file (another version, a
 * retransformation's reconstituted bytes) is woven as before.
 *
 * <p>The list is {@value #RESOURCE}; {@code PrewovenTest} weaves the hooked classes of the build's library
 * versions and fails when the list differs. Each entry also carries the {@link HookFingerprint} of the hooks
 * it was woven with, checked here, so a jar built without that test after a change of the hooks weaves at
 * run time rather than patching with stale bytes. The result
 * of a patch is checked against the CRC-32 the list gives for it; a mismatch means a damaged list, is
 * counted as an agent error, and the class is woven at run time.
 */
final class Prewoven {

    static final String RESOURCE = "io/httppool/agent/instrumentation/prewoven.txt";

    /** One woven class file. A plain class, not a record (see {@link KnownBuilds.Build}). */
    static final class Entry {
        final String libraryId;
        final String className;
        final long hooksFingerprint;
        final long originalCrc;
        final int originalLength;
        final long wovenCrc;
        final int wovenLength;
        final String patch;

        Entry(String libraryId, String className, long hooksFingerprint, long originalCrc, int originalLength, long wovenCrc,
              int wovenLength, String patch) {
            this.libraryId = libraryId;
            this.className = className;
            this.hooksFingerprint = hooksFingerprint;
            this.originalCrc = originalCrc;
            this.originalLength = originalLength;
            this.wovenCrc = wovenCrc;
            this.wovenLength = wovenLength;
            this.patch = patch;
        }
    }

    private static volatile Map<String, List<Entry>> byClass;

    private Prewoven() {
    }

    /**
     * {@code original} woven with {@code hooks} ({@code libraryId}'s on the class), or null when the list has no
     * such class file woven with such hooks (then the caller weaves it). The hooks' {@link HookFingerprint} is
     * taken only for a class file the list has: a class of another version or of the JDK costs one CRC.
     */
    static byte[] woven(String libraryId, String className, byte[] original, List<Hook> hooks) {
        List<Entry> entries = all().get(key(libraryId, className));
        if (entries == null) {
            return null;
        }
        long crc = crc32(original);
        for (Entry entry : entries) {
            if (entry.originalLength == original.length && entry.originalCrc == crc) {
                return entry.hooksFingerprint == HookFingerprint.of(hooks) ? patchedOrNull(entry, original) : null;
            }
        }
        return null;
    }

    /** {@code entry}'s woven class file, or null (counted as an agent error) when its patch is damaged. */
    static byte[] patchedOrNull(Entry entry, byte[] original) {
        try {
            byte[] woven = ClassFilePatch.apply(original, Base64.getDecoder().decode(entry.patch), entry.wovenLength);
            if (crc32(woven) != entry.wovenCrc) {
                throw new IllegalStateException("the patched class file does not have the listed CRC-32");
            }
            return woven;
        } catch (RuntimeException damaged) {
            AgentErrors.record("the prewoven " + entry.className.replace('/', '.') + " of " + RESOURCE
                    + " (woven at run time instead)", damaged);
            return null;
        }
    }

    static long crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length);
        return crc.getValue();
    }

    private static String key(String libraryId, String className) {
        return libraryId + ' ' + className;
    }

    /** Every listed class file by library and class; none when the list cannot be read (all is woven then). */
    static Map<String, List<Entry>> all() {
        Map<String, List<Entry>> entries = byClass;
        if (entries == null) {
            LoaderResources.acquire();
            try (InputStream in = LoaderResources.open(Prewoven.class.getClassLoader(), RESOURCE)) {
                entries = in == null ? Map.of() : parse(in);
            } catch (IOException | RuntimeException unreadable) {
                AgentErrors.record("reading " + RESOURCE + " (every class is woven at run time)", unreadable);
                entries = Map.of();
            } finally {
                LoaderResources.release();
            }
            byClass = entries;
        }
        return entries;
    }

    /**
     * The list's format: {@code #} comments, then one line per class file: library id, class (internal
     * name), the {@link HookFingerprint} of its hooks (hex), original CRC-32 (hex) and length, woven CRC-32
     * (hex) and length, the patch in Base64.
     */
    static Map<String, List<Entry>> parse(InputStream in) throws IOException {
        Map<String, List<Entry>> entries = new HashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            line = line.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split(" ");
            if (words.length != 8) {
                throw new IOException("unreadable line in " + RESOURCE + ": " + line);
            }
            Entry entry = new Entry(words[0], words[1], Long.parseLong(words[2], 16), Long.parseLong(words[3], 16),
                    Integer.parseInt(words[4]), Long.parseLong(words[5], 16), Integer.parseInt(words[6]), words[7]);
            String key = key(entry.libraryId, entry.className);
            List<Entry> list = entries.get(key);
            if (list == null) {
                list = new ArrayList<>();
                entries.put(key, list);
            }
            list.add(entry);
        }
        return entries;
    }

    /** The list's text for {@code entries}, as {@link #parse} reads it. */
    static String format(List<Entry> entries) {
        StringBuilder text = new StringBuilder();
        text.append("# Hooked classes of the library builds the agent's build tested, woven (see Prewoven): the hooks'\n")
                .append("# fingerprint, CRC-32 and length of the original, of the woven class, and the patch (Base64).\n")
                .append("# Written by PrewovenTest: do not edit by hand.\n");
        for (Entry entry : entries) {
            text.append(entry.libraryId).append(' ').append(entry.className)
                    .append(' ').append(String.format("%08x", entry.hooksFingerprint))
                    .append(' ').append(String.format("%08x", entry.originalCrc)).append(' ').append(entry.originalLength)
                    .append(' ').append(String.format("%08x", entry.wovenCrc)).append(' ').append(entry.wovenLength)
                    .append(' ').append(entry.patch).append('\n');
        }
        return text.toString();
    }
}
