package io.httppool.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * HttpClient 5.0 and 5.1, copied by the build to {@code target/httpclient5-<version>}: conformance library
 * names {@code apache5-5.0} and {@code apache5-5.1} run the apache5 habits with those jars first on the child
 * class path, ahead of the 5.5 the tests compile against (the apps use only what 5.0 has).
 */
public final class OlderHttpClient5 {

    /** The library names of the older versions, as ClientLibrary.of knows them. */
    public static final List<String> LIBRARIES = List.of("apache5-5.0", "apache5-5.1");

    private OlderHttpClient5() {
    }

    /** Sets {@code runner} up for {@code library}: the older jars in place of the 5.5 ones; other libraries as they are. */
    public static JvmRunner on(JvmRunner runner, String library) {
        return LIBRARIES.contains(library)
                ? runner.replacingLibrary(jarsOf(library), "httpclient5-", "httpcore5-")
                : runner;
    }

    private static String jarsOf(String library) {
        Path dir = Settings.moduleDir().resolve("target").resolve("httpclient5-" + library.substring("apache5-".length()));
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
