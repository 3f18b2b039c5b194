package io.httppool.agent.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the README's settings table true: every setting has a row with its default. */
class ReadmeSettingsTest {

    @Test
    void everySettingIsDocumentedWithItsDefault() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        for (Setting setting : Setting.values()) {
            String row = "| `" + setting.envName() + "` | ";
            assertTrue(text.contains(row), setting.envName() + " has no row in the README's settings table");
            if (setting.defaultValue() != null) {
                assertTrue(text.contains(row + "`" + setting.defaultValue() + "`"),
                        setting.envName() + " default in README is not `" + setting.defaultValue() + "`");
            }
        }
    }
}
