package io.httppool.agent.pool;

/**
 * What every library's managed pool has the same way: its name, the library it serves, the setup it is
 * shared by, and its counters. A library's pool adds how it reads, maintains and replaces its connections.
 */
public abstract class BasicManagedPool implements ManagedPool {

    private final String name;
    private final String library;
    private final String setup;
    private final PoolCounters counters = new PoolCounters();

    protected BasicManagedPool(String name, String library, String setup) {
        this.name = name;
        this.library = library;
        this.setup = setup;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String library() {
        return library;
    }

    @Override
    public final String setup() {
        return setup;
    }

    @Override
    public final PoolCounters counters() {
        return counters;
    }

    /** Counts and logs a recreation that happened: new requests use a fresh pool now. */
    protected void recreated(String reason) {
        counters.recreated();
        io.httppool.agent.log.AgentLog.log().warn("Pool {} recreated: {}. New requests use a fresh pool; requests in flight"
                + " finish on the old one.", name, reason);
    }

    @Override
    public String toString() {
        return name + " (" + setup + ")";
    }
}
