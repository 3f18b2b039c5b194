package io.httppool.agent.instrumentation;

import io.httppool.agent.instrumentation.weaving.Hook;
import io.httppool.agent.instrumentation.weaving.HookFingerprint;
import io.httppool.agent.instrumentation.weaving.HookWeaver;
import io.httppool.agent.instrumentation.weaving.PatchMaker;
import io.httppool.agent.log.AgentErrors;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The list of woven classes is exactly what the weaver makes of the hooked classes of this build's library
 * versions, and each patch rebuilds those bytes from the original only. After a change of the hooks or a
 * library upgrade the first test fails; {@code mvn -pl agent test -Dtest=PrewovenTest
 * -Dhttppool.writeKnownBuilds=true} rewrites the list.
 */
class PrewovenTest {

    private final ClassLoader loader = getClass().getClassLoader();

    /** One hooked class of this build's libraries: its class file and what the weaver makes of it. */
    private record Woven(String libraryId, String type, List<Hook> hooks, byte[] original, byte[] woven) {
    }

    @Test
    void theListIsWhatTheWeaverMakesOfTheLibrariesOfThisBuild() throws Exception {
        GeneratedList.assertListed(Prewoven.RESOURCE, Prewoven.format(wovenByThisBuild()), "PrewovenTest");
    }

    @Test
    void everyListedClassGetsTheWeaversBytesAndAnyOtherClassFileNone() throws Exception {
        List<Woven> classes = wovenClasses();
        for (Woven each : classes) {
            assertArrayEquals(each.woven(), Prewoven.woven(each.libraryId(), each.type(), each.original(), each.hooks()), each.type());

            byte[] changed = each.original().clone();
            changed[changed.length / 2] ^= 1;
            long errorsBefore = AgentErrors.suppressedCount();
            assertNull(Prewoven.woven(each.libraryId(), each.type(), changed, each.hooks()), "a changed " + each.type() + " is woven at run time");
            assertEquals(errorsBefore, AgentErrors.suppressedCount(), "another class file is not patched at all (no error)");
            assertNull(Prewoven.woven("another-library", each.type(), each.original(), each.hooks()), "the hooks of another library");
            assertNull(Prewoven.woven(each.libraryId(), each.type(), each.original(), each.hooks().subList(1, each.hooks().size())),
                    "hooks changed since the list was written (a build that skipped this test): woven at run time");
        }
        assertTrue(classes.size() >= 20, "the libraries of this build have their hooked classes: " + classes.size());
    }

    @Test
    void aPatchAddsOnlyTheHooksNotTheLibrarysCode() throws Exception {
        for (Prewoven.Entry entry : wovenByThisBuild()) {
            int added = PatchMaker.addedBytes(Base64.getDecoder().decode(entry.patch));
            assertTrue(added < entry.originalLength / 4 && added < 4096,
                    entry.className + " patch adds " + added + " bytes of " + entry.wovenLength);
        }
    }

    @Test
    void aDamagedPatchIsCountedAndTheClassIsWovenAtRunTime() throws Exception {
        Prewoven.Entry listed = wovenByThisBuild().get(0);
        byte[] original = classFile(listed.className);
        byte[] patch = Base64.getDecoder().decode(listed.patch);
        patch[patch.length - 1] ^= 1; // the last added byte: the patch still applies, its result is wrong
        Prewoven.Entry damaged = new Prewoven.Entry(listed.libraryId, listed.className, listed.hooksFingerprint, listed.originalCrc, listed.originalLength,
                listed.wovenCrc, listed.wovenLength, Base64.getEncoder().encodeToString(patch));
        Map<String, List<Prewoven.Entry>> read = Prewoven.parse(new ByteArrayInputStream(
                Prewoven.format(List.of(damaged)).getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, read.size());

        long errorsBefore = AgentErrors.suppressedCount();
        assertNull(Prewoven.patchedOrNull(read.values().iterator().next().get(0), original));
        assertEquals(errorsBefore + 1, AgentErrors.suppressedCount());
        assertNotNull(Prewoven.patchedOrNull(listed, original), "control: the listed patch applies");
    }

    private List<Prewoven.Entry> wovenByThisBuild() throws IOException {
        List<Prewoven.Entry> entries = new ArrayList<>();
        for (Woven each : wovenClasses()) {
            byte[] patch = PatchMaker.between(each.original(), each.woven());
            entries.add(new Prewoven.Entry(each.libraryId(), each.type(), HookFingerprint.of(each.hooks()), Prewoven.crc32(each.original()), each.original().length,
                    Prewoven.crc32(each.woven()), each.woven().length, Base64.getEncoder().encodeToString(patch)));
        }
        assertFalse(entries.isEmpty());
        return entries;
    }

    /** Every hooked class of this build's libraries (but the JDK's) that its hooks change. */
    private List<Woven> wovenClasses() throws IOException {
        List<Woven> classes = new ArrayList<>();
        for (LibraryInstrumentation library : instrumentedHere()) {
            for (Map.Entry<String, List<Hook>> type : hooksByType(library).entrySet()) {
                byte[] original = classFile(type.getKey());
                byte[] woven = HookWeaver.weave(original, type.getValue()).bytes();
                if (woven != null) {
                    classes.add(new Woven(library.id(), type.getKey(), type.getValue(), original, woven));
                }
            }
        }
        return classes;
    }

    /** Every library but the JDK's client, whose classes are those of the JDK that runs the build. */
    private static List<LibraryInstrumentation> instrumentedHere() {
        List<LibraryInstrumentation> libraries = new ArrayList<>();
        for (LibraryInstrumentation library : LibraryInstrumentations.all()) {
            if (!library.id().equals("jdk")) {
                libraries.add(library);
            }
        }
        return libraries;
    }

    private static Map<String, List<Hook>> hooksByType(LibraryInstrumentation library) {
        Map<String, List<Hook>> byType = new TreeMap<>();
        for (Hook hook : library.hooks()) {
            byType.computeIfAbsent(hook.type(), t -> new ArrayList<>()).add(hook);
        }
        return byType;
    }

    private byte[] classFile(String type) throws IOException {
        try (InputStream in = loader.getResourceAsStream(type + ".class")) {
            assertNotNull(in, type + " on the test class path");
            return in.readAllBytes();
        }
    }
}
