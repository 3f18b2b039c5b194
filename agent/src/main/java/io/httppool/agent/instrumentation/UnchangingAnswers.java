package io.httppool.agent.instrumentation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers a library recomputes for every client although they cannot change while the JVM runs, such as
 * the default User-Agent string that every HttpClient (4 and 5) {@code HttpClientBuilder.build()} makes by
 * reading a properties file out of the library's jar: with connections pooled, that read was the largest
 * cost left in a per-request client (HttpClient 4: about 150 of 200 microseconds per build). The answer
 * depends only on its arguments, the jar and the Java version, so the remembered string is the one the
 * library would compute.
 *
 * <p>Remembered per class the library passes (its builder's class), in a {@link ClassValue}: nothing here
 * keeps a class loader alive, and a read takes no lock.
 */
public final class UnchangingAnswers {

    private static final int MAX_PER_CLASS = 64;
    private static final ClassValue<Map<String, String>> BY_CLASS = new ClassValue<>() {
        @Override
        protected Map<String, String> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private UnchangingAnswers() {
    }

    /** The remembered answer to {@code question} about {@code cls}, or null to let the library compute it. */
    public static String lookup(String question, Class<?> cls) {
        return cls != null && question != null ? BY_CLASS.get(cls).get(question) : null;
    }

    public static void remember(String question, Class<?> cls, String answer) {
        if (cls == null || question == null || answer == null) {
            return;
        }
        Map<String, String> answers = BY_CLASS.get(cls);
        if (answers.size() < MAX_PER_CLASS) {
            answers.putIfAbsent(question, answer);
        }
    }

    /** A question made of a method's name and its string arguments. */
    public static String question(String method, String first, String second) {
        return method + '\0' + first + '\0' + second;
    }
}
