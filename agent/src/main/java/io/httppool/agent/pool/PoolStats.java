package io.httppool.agent.pool;

/**
 * One reading of a pool's occupancy, in the vocabulary of httpclient5-observation. Not every library can
 * tell every figure (the JDK client reports none, OkHttp no waiters and no limit): such a figure is
 * {@link #UNKNOWN}, and reports and health rules leave it out instead of reading it as 0.
 */
public record PoolStats(int leased, int available, int pending, int max) {

    public static final int UNKNOWN = -1;

    /** A pool that reports nothing of its occupancy. */
    public static final PoolStats NONE = new PoolStats(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN);

    public static boolean known(int figure) {
        return figure != UNKNOWN;
    }

    /** The figure as text, {@code ?} when unknown (for the log). */
    public static String show(int figure) {
        return known(figure) ? Integer.toString(figure) : "?";
    }
}
