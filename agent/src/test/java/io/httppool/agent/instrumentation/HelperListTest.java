package io.httppool.agent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every class of a library's package but its instrumentation runs inside the application's class loader
 * and must be injected there; a class missing from the list would be loaded from the agent's own loader,
 * where the library may not be visible.
 */
class HelperListTest {

    static Stream<LibraryInstrumentation> librariesWithHelpers() {
        return LibraryInstrumentations.all().stream().filter(library -> !library.helperClassNames().isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("librariesWithHelpers")
    void everyHelperClassIsListedForInjection(LibraryInstrumentation library) throws IOException, URISyntaxException {
        Class<?> type = library.getClass();
        Path dir = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(type.getPackageName().replace('.', '/'));
        Set<String> compiled;
        try (Stream<Path> files = Files.list(dir)) {
            compiled = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.startsWith(type.getSimpleName()))
                    .filter(n -> !n.contains("$$Lambda"))
                    .map(n -> type.getPackageName() + "." + n.substring(0, n.length() - ".class".length()))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(compiled, new TreeSet<>(library.helperClassNames()), library.id());
    }
}
