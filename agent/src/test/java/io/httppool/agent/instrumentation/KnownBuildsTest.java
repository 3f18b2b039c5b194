package io.httppool.agent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The list of checked builds is exactly what the full reference check finds on the library versions this
 * build tests with, and only an identical copy of one is recognised. After a library upgrade in the pom,
 * the first test fails; {@code mvn -pl agent test -Dtest=KnownBuildsTest -Dhttppool.writeKnownBuilds=true}
 * then rewrites the list from a fresh full check.
 */
class KnownBuildsTest {

    private final ClassLoader loader = getClass().getClassLoader();

    @BeforeEach
    void startReading() {
        LoaderResources.acquire();
    }

    @AfterEach
    void stopReading() {
        LoaderResources.release();
    }

    @Test
    void theListIsWhatTheFullCheckFindsOnTheLibrariesOfThisBuild() throws Exception {
        List<KnownBuilds.Build> checked = new ArrayList<>();
        for (LibraryInstrumentation library : LibraryInstrumentations.all()) {
            if (library.id().equals("jdk")) {
                continue; // the JDK's own classes: every JDK build differs, the full check always runs
            }
            checked.add(fullCheck(library));
        }
        GeneratedList.assertListed(KnownBuilds.RESOURCE, KnownBuilds.format(checked), "KnownBuildsTest");
    }

    @Test
    void theLibrariesOfThisBuildAreRecognisedAndTheJdkClientIsNot() {
        assertEquals("apache5-" + new io.httppool.agent.instrumentation.apache5.Apache5Instrumentation().versionIn(loader),
                KnownBuilds.recognised("apache5", loader));
        assertNotNull(KnownBuilds.recognised("okhttp", loader));
        assertNull(KnownBuilds.recognised("jdk", ClassLoader.getPlatformClassLoader()));
    }

    @Test
    void oneChangedFileOrOneMissingFileMakesTheBuildUnknown() throws Exception {
        KnownBuilds.Build listed = KnownBuilds.all().get("apache5").get(0);
        String someFile = listed.crcs().keySet().iterator().next();

        Map<String, Long> changed = new LinkedHashMap<>(listed.crcs());
        changed.put(someFile, changed.get(someFile) ^ 1);
        assertUnknown(changed);

        Map<String, Long> withAbsentFile = new LinkedHashMap<>(listed.crcs());
        withAbsentFile.put("org/apache/hc/client5/http/NoSuchClass.class", 0L);
        assertUnknown(withAbsentFile);
    }

    @Test
    void theListReadsBackAsWritten() throws Exception {
        KnownBuilds.Build build = new KnownBuilds.Build("lib", "lib-1.0", Map.of("a/B.class", 0xfedcba98L, "a/C.class", 7L));
        String text = KnownBuilds.format(List.of(build));
        Map<String, List<KnownBuilds.Build>> read = KnownBuilds.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        assertEquals(build.crcs(), read.get("lib").get(0).crcs());
        assertEquals("lib-1.0", read.get("lib").get(0).label());
    }

    private void assertUnknown(Map<String, Long> crcs) throws Exception {
        String text = KnownBuilds.format(List.of(new KnownBuilds.Build("apache5", "doctored", crcs)));
        KnownBuilds.Build build = KnownBuilds.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))).get("apache5").get(0);
        assertFalse(KnownBuilds.matches(build, loader));
        KnownBuilds.Build listed = KnownBuilds.all().get("apache5").get(0);
        assertTrue(KnownBuilds.matches(listed, loader), "control: the listed build itself matches");
    }

    /** The full check on {@code library}'s copy on the test class path, and the CRC of every file it read. */
    private KnownBuilds.Build fullCheck(LibraryInstrumentation library) throws Exception {
        Map<String, byte[]> helpers = new HelperInjector(library.helperClassNames(), library.helpersRequiring()).bytesFor(loader, false);
        Set<String> files = new LinkedHashSet<>();
        assertNull(ReferenceCheck.missing(loader, library.hooks(), helpers, library.packages(), files), library.libraryName());
        for (String requirement : library.helpersRequiring().values()) {
            // A recognised build gets every helper without this test (HelperInjector#bytesFor): list none that lacks one.
            assertTrue(ReferenceCheck.holds(loader, requirement), library.libraryName() + " lacks " + requirement
                    + ": KnownBuilds cannot list a build whose helpers are chosen by its version");
            int hash = requirement.indexOf('#');
            files.add((hash < 0 ? requirement : requirement.substring(0, hash)) + ".class"); // read to choose the helpers
        }
        Map<String, Long> crcs = new LinkedHashMap<>();
        for (String file : files) {
            long crc = LoaderResources.crcOf(loader, file);
            assertTrue(crc >= 0, file + " of " + library.libraryName() + " is not in a plain jar on the test class path");
            crcs.put(file, crc);
        }
        return new KnownBuilds.Build(library.id(), library.id() + "-" + library.versionIn(loader).replace(' ', '_'), crcs);
    }
}
