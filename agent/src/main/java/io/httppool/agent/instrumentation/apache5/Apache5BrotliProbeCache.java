package io.httppool.agent.instrumentation.apache5;

/**
 * Remembers {@code BrotliDecompressingEntity.isAvailable()}, which every {@code HttpClientBuilder.build()}
 * asks (through {@code ContentCompressionExec}) by {@code Class.forName} of the Brotli decoder. Where
 * Brotli is absent, that is a full class-path search and a thrown exception per client: with connections
 * pooled, a visible share of a per-request client's cost. "Available" never changes once true; "absent"
 * is asked again after {@value #RECHECK_ABSENT_MILLIS} ms, so a jar added to the class path at run time
 * is still noticed. JDK types only.
 */
public final class Apache5BrotliProbeCache {

    static final long RECHECK_ABSENT_MILLIS = 60_000;

    private static volatile boolean available;
    private static volatile long absentSince = -1;

    private Apache5BrotliProbeCache() {
    }

    /** The remembered answer, or null to let the library probe. */
    public static Boolean lookup() {
        if (available) {
            return Boolean.TRUE;
        }
        long since = absentSince;
        if (since >= 0 && System.currentTimeMillis() - since < RECHECK_ABSENT_MILLIS) {
            return Boolean.FALSE;
        }
        return null;
    }

    public static void remember(boolean probed) {
        if (probed) {
            available = true;
        } else {
            absentSince = System.currentTimeMillis();
        }
    }
}
