package io.httppool.agent.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;

/**
 * Reads a library's version from the properties file it ships, as seen from one class loader. Each answer
 * is kept for the loader (weakly): the library's preparation reads it through the jar it has open anyway, and
 * the helpers' pools ask again later, when no jar is open and a {@code jar:} URL would open the application's
 * jar a second time (its whole directory read again, milliseconds of the first request with a large jar).
 */
public final class LibraryVersion {

    private static final Map<ClassLoader, Map<String, String>> KNOWN = new WeakHashMap<>();

    private LibraryVersion() {
    }

    /** The {@code key} of properties resource {@code resource}, or "unknown". */
    public static String read(ClassLoader loader, String resource, String key) {
        if (loader == null) {
            return "unknown";
        }
        String question = resource + '#' + key;
        String known = known(loader, question);
        return known != null ? known : remember(loader, question, readNow(loader, resource, key));
    }

    /** The {@code key} of properties resource {@code resource}, read now, or "unknown". */
    private static String readNow(ClassLoader loader, String resource, String key) {
        try (InputStream in = LoaderResources.open(loader, resource)) {
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

    /**
     * The first string constant of class file {@code classResource} that looks like a version ({@code 4.12.0},
     * or the digits after a {@code prefix} such as {@code okhttp/}), or "unknown": for libraries that ship no
     * properties file but keep their version in a constant. Reads the class file, loads nothing.
     */
    public static String fromConstant(ClassLoader loader, String classResource, String prefix) {
        if (loader == null) {
            return "unknown";
        }
        String question = classResource + '@' + prefix;
        String known = known(loader, question);
        return known != null ? known : remember(loader, question, fromConstantNow(loader, classResource, prefix));
    }

    private static synchronized String known(ClassLoader loader, String question) {
        Map<String, String> answers = KNOWN.get(loader);
        return answers == null ? null : answers.get(question);
    }

    private static synchronized String remember(ClassLoader loader, String question, String answer) {
        Map<String, String> answers = KNOWN.get(loader);
        if (answers == null) {
            answers = new HashMap<>();
            KNOWN.put(loader, answers);
        }
        answers.put(question, answer);
        return answer;
    }

    private static String fromConstantNow(ClassLoader loader, String classResource, String prefix) {
        try (InputStream in = LoaderResources.open(loader, classResource)) {
            if (in == null) {
                return "unknown";
            }
            net.bytebuddy.jar.asm.ClassReader reader = new net.bytebuddy.jar.asm.ClassReader(in.readAllBytes());
            char[] buffer = new char[reader.getMaxStringLength()];
            for (int item = 1; item < reader.getItemCount(); item++) {
                int offset = reader.getItem(item);
                if (offset == 0 || reader.readByte(offset - 1) != 8) { // CONSTANT_String
                    continue;
                }
                String text = reader.readUTF8(offset, buffer);
                String candidate = text.startsWith(prefix) ? text.substring(prefix.length()) : text;
                if (candidate.matches("\\d+\\.\\d+(\\.\\d+)?([.-][A-Za-z0-9.-]+)?")) {
                    return candidate;
                }
            }
            return "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
