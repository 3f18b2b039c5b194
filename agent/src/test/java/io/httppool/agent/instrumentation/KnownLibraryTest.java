package io.httppool.agent.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.httppool.agent.instrumentation.weaving.Hook;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** premain watches for the classes {@link KnownLibrary} lists without building the hooks: the lists must be the hooks' types. */
class KnownLibraryTest {

    @Test
    void eachLibrarysListedTypesAreExactlyTheTypesItsHooksAreWovenInto() {
        for (KnownLibrary known : KnownLibrary.ALL) {
            LibraryInstrumentation library = LibraryInstrumentations.create(known);
            assertEquals(known.id(), library.id());
            Set<String> hooked = new TreeSet<>();
            for (Hook hook : library.hooks()) {
                hooked.add(hook.type());
            }
            assertEquals(hooked, new TreeSet<>(known.hookedTypes()), known.id());
        }
    }

    @Test
    void everyLibraryIsListed() {
        assertEquals(5, LibraryInstrumentations.all().size());
    }
}
