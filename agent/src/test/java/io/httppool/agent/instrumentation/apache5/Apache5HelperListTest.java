package io.httppool.agent.instrumentation.apache5;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every class of this package but the instrumentation and its advice runs inside the application's class
 * loader and must be injected there; a class missing from the list would be loaded from the agent's own
 * loader, where HttpClient may not be visible.
 */
class Apache5HelperListTest {

    @Test
    void everyHelperClassIsListedForInjection() throws IOException, URISyntaxException {
        Path dir = Path.of(Apache5Pools.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(Apache5Pools.class.getPackageName().replace('.', '/'));
        Set<String> compiled;
        try (Stream<Path> files = Files.list(dir)) {
            compiled = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.startsWith("Apache5Instrumentation"))
                    .filter(n -> !n.contains("$$Lambda"))
                    .map(n -> Apache5Pools.class.getPackageName() + "." + n.substring(0, n.length() - ".class".length()))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        List<String> listed = new Apache5Instrumentation().helperClassNames();
        assertEquals(compiled, new TreeSet<>(listed));
    }
}
