package io.httppool.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Other versions of a library than the one the tests compile against, copied by it-tests/pom.xml (in
 * generate-test-resources) to {@code target/<copy directory>}. A variant's library name (say
 * {@code okhttp-3.14}) runs its base library's habits (apps/ClientLibrary.of maps it) with those jars first
 * on the child class path and the test class path's own jars of that library left out, so that the child
 * runs that version alone. The apps use only API every variant of their base library has.
 */
public final class LibraryVersions {

    /**
     * One version variant.
     *
     * @param library          the conformance library name, as ClientLibrary.of knows it
     * @param base             the library whose habits it runs
     * @param copyDir          the directory under {@code target} the pom copies its jars to
     * @param version          the start of the version the agent logs ({@code Pooling <name> <version>})
     * @param replacedPrefixes file-name prefixes of the test class path's jars it replaces
     */
    public record Variant(String library, String base, String copyDir, String version, List<String> replacedPrefixes) {
    }

    /** The agent's name for each base library, as in its {@code Pooling <name> <version> in <loader>} line. */
    private static final Map<String, String> AGENT_NAMES = Map.of(
            "apache5", "Apache HttpClient 5 (classic)",
            "okhttp", "OkHttp");

    private static final List<String> APACHE5_JARS = List.of("httpclient5-", "httpcore5-");
    /** okhttp 4.12 brings okio(-jvm) 3.6 and Kotlin 1.8/1.9; 3.14 needs no Kotlin, 5.x a newer one. */
    private static final List<String> OKHTTP_JARS = List.of("okhttp-", "okio-", "kotlin-stdlib-");

    /** HttpClient 5.0 and 5.1 (no ConnectionConfig yet; Spring Boot 2.6/2.7 manage 5.1); OkHttp 3.14 (Java) and 5.x (okhttp-jvm). */
    public static final List<Variant> VARIANTS = List.of(
            new Variant("apache5-5.0", "apache5", "httpclient5-5.0", "5.0.", APACHE5_JARS),
            new Variant("apache5-5.1", "apache5", "httpclient5-5.1", "5.1.", APACHE5_JARS),
            new Variant("okhttp-3.14", "okhttp", "okhttp-3.14", "3.14.", OKHTTP_JARS),
            new Variant("okhttp-5", "okhttp", "okhttp-5", "5.", OKHTTP_JARS));

    /** The library names of the variants. */
    public static final List<String> LIBRARIES = VARIANTS.stream().map(Variant::library).toList();

    private LibraryVersions() {
    }

    /** The library whose habits and behaviour a variant shares ({@code okhttp} for {@code okhttp-3.14}); others are their own. */
    public static String baseOf(String library) {
        Variant variant = variant(library);
        return variant == null ? library : variant.base();
    }

    /** Sets {@code runner} up for {@code library}: a variant's jars in place of the test class path's; other libraries as they are. */
    public static JvmRunner on(JvmRunner runner, String library) {
        Variant variant = variant(library);
        return variant == null ? runner
                : runner.replacingLibrary(jarsIn(variant.copyDir()), variant.replacedPrefixes().toArray(String[]::new));
    }

    /**
     * For a variant run with the agent: the agent said it pools that version, so a variant whose jars did not
     * replace the test class path's (and silently ran the version compiled against) fails.
     */
    public static void assertRanOn(String stderr, String library, String context) {
        Variant variant = variant(library);
        if (variant == null) {
            return;
        }
        String expected = "Pooling " + AGENT_NAMES.get(variant.base()) + " " + variant.version();
        if (AgentLog.lines(stderr, AgentLog.TAG, expected).isEmpty()) {
            throw new AssertionError(library + " runs on its own jars: expected a line with '" + expected + "', the agent said "
                    + AgentLog.lines(stderr, AgentLog.TAG, "Pooling ") + "\n" + context);
        }
    }

    public static void assertRanOn(RunResult r, String library) {
        assertRanOn(r.stderr, library, r.describe());
    }

    private static Variant variant(String library) {
        return VARIANTS.stream().filter(v -> v.library().equals(library)).findFirst().orElse(null);
    }

    private static String jarsIn(String copyDir) {
        Path dir = Settings.moduleDir().resolve("target").resolve(copyDir);
        try (Stream<Path> jars = Files.list(dir)) {
            String path = jars.filter(p -> p.toString().endsWith(".jar")).sorted().map(Path::toString)
                    .collect(Collectors.joining(java.io.File.pathSeparator));
            if (path.isEmpty()) {
                throw new IllegalStateException("no jars in " + dir + " (copied by it-tests/pom.xml in generate-test-resources)");
            }
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + " (copied by it-tests/pom.xml in generate-test-resources)", e);
        }
    }
}
