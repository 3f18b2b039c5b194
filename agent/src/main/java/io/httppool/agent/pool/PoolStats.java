package io.httppool.agent.pool;

/** One reading of a pool's occupancy, in the vocabulary of httpclient5-observation. */
public record PoolStats(int leased, int available, int pending, int max) {
}
