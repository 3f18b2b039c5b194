package io.httppool.agent.jmx;

import java.util.Map;

/**
 * One managed pool over JMX: {@code io.httppool.agent:type=Pool,name="<pool name>"}. Attributes are read
 * live from the same figures as /health and /metrics; State, Reason and LastCheck are those of the last check.
 */
public interface PoolMXBean {

    String getName();

    String getLibrary();

    String getSetup();

    /** HEALTHY, DEGRADED, UNHEALTHY, or UNKNOWN before the pool's first check. */
    String getState();

    String getReason();

    /** ISO-8601 instant of the last health check, or null before the first. */
    String getLastCheck();

    boolean isOpen();

    int getLeased();

    int getAvailable();

    int getPending();

    int getMax();

    long getConnectionsCreated();

    long getTlsHandshakes();

    long getRequests();

    long getRecreations();

    long getRefreshes();

    long getLeaks();

    /** Requests served beyond HTTP_MAX_CONNECTIONS on an extra connection. */
    long getOverflows();

    /** Connections closed because the client that leased them was closed. */
    long getReleasedOnClose();

    /** Connections retired because their host name moved to other addresses. */
    long getDnsRetired();

    /** Connections retired at HTTP_POOL_MAX_CONNECTION_LIFETIME. */
    long getLifetimeExpired();

    /** Errors by kind: connect, tls, pool_timeout, io, fatal. */
    Map<String, Long> getErrors();

    /** Closes every idle connection now; returns how many were closed. */
    int evictIdleConnections();

    /** Replaces the pool with a fresh one; requests in flight finish on the old one. */
    void recreate();
}
