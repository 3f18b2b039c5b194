package io.httppool.agent.pool;

/**
 * What the library-independent parts of the agent (health checks, metrics, JMX, status server) see of a
 * managed pool. Implemented by the helper classes of each instrumented library, inside the class loader
 * that loaded the library; this interface names JDK types only so that it crosses that boundary.
 */
public interface ManagedPool {

    /** Stable, unique name such as {@code apache5/default}; used as metric label and JMX key. */
    String name();

    /** The library this pool serves, for humans: "Apache HttpClient 5.5.1". */
    String library();

    /** A short description of the connection-level setup the pool is keyed by. */
    String setup();

    PoolStats stats();

    /** False once the library or the agent shut this pool down. */
    boolean isOpen();
}
