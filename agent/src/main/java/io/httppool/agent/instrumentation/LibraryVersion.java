package io.httppool.agent.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Reads a library's version from the properties file it ships, as seen from one class loader. */
public final class LibraryVersion {

    private LibraryVersion() {
    }

    /** The {@code key} of properties resource {@code resource}, or "unknown". */
    public static String read(ClassLoader loader, String resource, String key) {
        if (loader == null) {
            return "unknown";
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty(key, "unknown").trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
