package io.httppool.agent.pool;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.AgentLog;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * A managed pool built on a library's own connection manager (HttpClient 4 and 5): clients hold a
 * manager, the library's pool does the pooling, and the agent's library-independent parts sit on top:
 * {@link LeaseAdmission} (limits and what happens at them), {@link LeaseLedger} (who holds which connection:
 * leaks, closed clients), {@link FailureBursts}, {@link RecreationGuard}, {@link ConnectionRetirement}
 * (lifetime, DNS moves) and {@link ManagerGenerations} (replaced managers drain). This class does what is
 * the same for every such library: reporting, housekeeping, idle trimming, recreation, shutdown; a library's
 * subclass says how to read and close its manager's entries, and how leases and releases go.
 *
 * @param <M> the library's connection manager
 * @param <E> the library's pool entry (one pooled connection)
 */
public abstract class ConnectionManagerPool<M, E> extends BasicManagedPool {

    /** Idle connections beyond what is kept ({@link #idleToKeep}) are closed once idle this long (checked every second). */
    public static final long IDLE_TRIM_AFTER_MILLIS = 1_000;

    /** How old the count of open connections may be when a release is judged ({@link #keptOnRelease}). */
    static final long OPEN_COUNT_MAX_AGE_MILLIS = 10;

    protected final Clock clock;
    protected final LeaseAdmission admission;
    protected final LeaseLedger ledger;
    protected final ConnectionRetirement retirement;
    private final int maxIdle;
    private final long demandWindowMillis;
    private final Supplier<M> factory;
    private final FailureBursts<Object> failureBursts;
    private final RecreationGuard fatalRecreations;
    private final ManagerGenerations<M> generations;
    private final SampledCount<M> openConnections;

    /**
     * @param gate      the agent's limits, or null when the library's pool applies the application's own
     * @param reclaimer closes a lease's connection and hands it back (a leak, a closed client)
     */
    protected ConnectionManagerPool(String name, String library, String setup, Supplier<M> factory, LeaseGate gate,
                                    PoolPolicy policy, HostAddresses hosts, Clock clock, LeaseLedger.Reclaimer reclaimer) {
        super(name, library, setup);
        this.clock = clock;
        this.factory = factory;
        this.maxIdle = policy.maxIdle();
        this.demandWindowMillis = policy.demandWindowMillis();
        // Anonymous classes, not lambdas, here and below: a pool is made on the application's first call, where
        // each lambda spins a class at first use (~0.5-1.5 ms on a cold JVM), and a class loads from the jar in ~0.3 ms.
        this.admission = new LeaseAdmission(name, counters(), gate, new BooleanSupplier() {
            @Override
            public boolean getAsBoolean() {
                return libraryStats(manager()).pending() > 0;
            }
        }, clock);
        this.ledger = new LeaseLedger(name, counters(), clock, gate, policy.leakStacks(), reclaimer);
        this.retirement = new ConnectionRetirement(policy.lifetime(), hosts, counters(), clock);
        this.failureBursts = new FailureBursts<>(clock);
        this.fatalRecreations = new RecreationGuard(clock, RecreationGuard.DEFAULT_SPACING_MILLIS);
        this.openConnections = new SampledCount<>(clock, OPEN_COUNT_MAX_AGE_MILLIS);
        this.generations = new ManagerGenerations<>(factory.get(), new ManagerGenerations.Managers<M>() {
            @Override
            public int leased(M manager) {
                return libraryStats(manager).leased();
            }

            @Override
            public boolean isClosed(M manager) {
                return ConnectionManagerPool.this.isClosed(manager);
            }

            @Override
            public void closeByAgent(M manager) {
                ConnectionManagerPool.this.closeByAgent(manager);
            }
        });
    }

    // ---- what the library says ---------------------------------------------------------------------------

    /** The library pool's own figures: leased, available, requests waiting in it, its own limit. */
    protected abstract PoolStats libraryStats(M manager);

    private int available(M manager) {
        return libraryStats(manager).available();
    }

    protected abstract boolean isClosed(M manager);

    /** Closes the manager gracefully, past the agent's own "ignore close" hook. */
    protected abstract void closeByAgent(M manager);

    protected abstract void closeExpired(M manager);

    /** Closes idle connections unused for at least {@code millis} (0: every idle connection). */
    protected abstract void closeIdleOlderThan(M manager, long millis);

    /**
     * Closes the idle connections {@code select} picks, visiting them most recently used first, under the
     * library pool's lock; returns how many. May throw when the library hides its pool.
     */
    protected abstract int closeIdleEntries(M manager, Predicate<E> select) throws Throwable;

    /** When the entry's connection was last released (the library's "updated" time). */
    protected abstract long lastUsedMillis(E entry);

    /** The entry's route (compared with equals). */
    protected abstract Object routeOf(E entry);

    /** The entry's pool state (user token, or a {@link ClientBoundState}). */
    protected abstract Object stateOf(E entry);

    /** The host name the entry's connection is watched by (null through a proxy), and the address it went to. */
    protected abstract String watchedHostOf(E entry);

    protected abstract java.net.InetAddress addressOf(E entry);

    /** A recreation is switching managers: the library's registry learns {@code fresh} and keeps recognising {@code old}. */
    protected abstract void switched(M old, M fresh);

    // ---- what is the same for every library -----------------------------------------------------------------

    /** The manager serving new leases. */
    public final M manager() {
        return generations.current();
    }

    /** A new manager of this pool's setup (for a client that must have one of its own). */
    protected final M freshManager() {
        return factory.get();
    }

    protected final boolean anyRetired() {
        return generations.anyRetired();
    }

    /**
     * Tracking a lease failed (the subclass's {@code leased} threw): its place at the gate is given back
     * unless the ledger took it under {@code leaseKey} (then the lease's end gives it back). Never throws.
     *
     * @param leaseKey what the ledger tracks the lease by, or null when it could not be read
     */
    protected final void untracked(Object leaseKey, LeaseGate.Permit permit) {
        try {
            if (leaseKey == null || ledger.lease(leaseKey) == null) {
                admission.giveBack(permit);
            }
        } catch (Throwable error) {
            AgentErrors.record("lease tracking", error);
        }
    }

    /**
     * The lease tracked under {@code leaseKey} opened its connection, or failed to: it no longer counts as
     * connecting at the gate ({@link LeaseLedger.Lease#connectStarted}). Nothing when the key is null or the
     * lease ended already.
     */
    protected final void connectEnded(Object leaseKey) {
        LeaseLedger.Lease lease = leaseKey != null ? ledger.lease(leaseKey) : null;
        if (lease != null) {
            lease.connectEnded();
        }
    }

    /**
     * Whether a connection released to {@code manager} is kept ({@link LeaseAdmission#keepOnRelease}), judged on a
     * count of open connections at most {@value #OPEN_COUNT_MAX_AGE_MILLIS} ms old (see {@link SampledCount}): at
     * worst a connection beyond the limit stays until housekeeping trims idle ones, or one just within it is closed
     * while the pool was at its limit that recently.
     */
    protected final boolean keptOnRelease(M manager) {
        if (!admission.gated()) {
            return true;
        }
        return admission.keepOnRelease(openConnections.get(manager, openConnectionsOf));
    }

    /** Connections a manager has open, leased or idle (made once: a method reference would be one per release). */
    private final ToIntFunction<M> openConnectionsOf = new ToIntFunction<M>() {
        @Override
        public int applyAsInt(M manager) {
            PoolStats stats = libraryStats(manager);
            return stats.leased() + stats.available();
        }
    };

    /**
     * The application closed a client that owned its connection manager: its connections still leased are
     * closed with it, and so are its idle connections bound to it (tunnels through a proxy), which only it
     * could use.
     */
    public int clientClosed(Object client) {
        int closed = ledger.releaseOwnedBy(client);
        if (ClientBoundState.anyMade()) { // the scan takes the library pool's lock: only when a tunnel may be bound
            closeIdle(manager(), entry -> ClientBoundState.boundTo(stateOf(entry), client));
        }
        return closed;
    }

    /** A connection could not be made (route may be null: then only the error is counted). */
    public void connectFailed(Object route, Throwable error) {
        counters().error(error instanceof javax.net.ssl.SSLException ? PoolCounters.ErrorKind.TLS : PoolCounters.ErrorKind.CONNECT);
        burstCheck(route);
    }

    /** An exchange failed with an I/O error on an established connection. */
    public void exchangeFailed(Object route) {
        counters().error(PoolCounters.ErrorKind.IO);
        burstCheck(route);
    }

    private void burstCheck(Object route) {
        if (failureBursts.failed(route)) {
            int closed = closeIdle(manager(), entry -> route.equals(routeOf(entry)));
            counters().refreshed();
            AgentLog.log().info("Pool {}: burst of connection failures to {}, closed its {} idle connection(s)", name(), route, closed);
        }
    }

    /**
     * An Error (OutOfMemoryError...) went through a request: the pool's bookkeeping may be torn, start
     * afresh; but at most once per 10 s, so an interceptor that throws an Error on every request does not
     * churn pools.
     */
    public void fatal(Throwable error) {
        counters().error(PoolCounters.ErrorKind.FATAL);
        if (fatalRecreations.tryAcquire()) {
            recreate("an Error went through a request: " + error);
        }
    }

    @Override
    public PoolStats stats() {
        PoolStats library = libraryStats(manager());
        LeaseGate gate = admission.gate();
        return new PoolStats(library.leased(), library.available(), library.pending() + admission.waiting(),
                gate != null ? gate.max() : library.max());
    }

    @Override
    public boolean isOpen() {
        return !isClosed(manager());
    }

    @Override
    public int maintain(Duration idleExpiry, int maxIdleConnections) {
        M manager = manager();
        int before = available(manager);
        closeExpired(manager);
        if (idleExpiry.toMillis() > 0) {
            closeIdleOlderThan(manager, idleExpiry.toMillis());
        }
        trimIdle(manager, maxIdleConnections, ledger.recentPeak().demand(clock.currentTimeMillis(), demandWindowMillis), 0);
        generations.drain();
        return Math.max(0, before - available(manager));
    }

    /**
     * Every second: idle connections beyond what the pool needed lately that were not reused for a second
     * are closed (see {@link #idleToKeep}); idle connections whose host name moved, and idle ones bound to a
     * client that is gone, are closed; the overflow advice is logged.
     */
    @Override
    public void housekeep() {
        retirement.refreshOwnResolver();
        M manager = manager();
        int recentPeak = ledger.recentPeak().roll(ledger.held(), clock.currentTimeMillis(), demandWindowMillis);
        trimIdle(manager, maxIdle, recentPeak, IDLE_TRIM_AFTER_MILLIS);
        int moved = closeIdle(manager, entry -> retirement.moved(watchedHostOf(entry), addressOf(entry)));
        for (int i = 0; i < moved; i++) {
            counters().retiredByDns();
        }
        closeIdle(manager, entry -> ClientBoundState.orphaned(stateOf(entry)));
        admission.reportOverflowOnce();
        generations.drain();
    }

    /**
     * How many idle connections stay open: the keep-alive limit, or more while the pool needed more lately.
     * HTTP_MAX_KEEPALIVE_CONNECTIONS bounds what stays open once load falls, never what a busy pool reuses:
     * with {@code recentPeak} leased at once lately ({@link RecentPeak#demand}: while requests keep coming, within
     * the last few health intervals), as many idle ones are kept as it takes to serve that peak again without
     * opening a connection (a pool whose load fluctuates, or stalls in a GC pause and then bursts, would otherwise
     * close its least-used connections in the lulls and pay a handshake for each at the next burst). Once load
     * stops, the pool shrinks to the limit about one health interval ({@link PoolPolicy#demandWindowMillis})
     * later. Leases
     * beyond HTTP_MAX_CONNECTIONS (overflow) do not count: the pool keeps no more than its limit.
     */
    private int idleToKeep(int leased, int maxIdle, int recentPeak) {
        LeaseGate gate = admission.gate();
        int needed = gate != null ? Math.min(recentPeak, gate.max()) : recentPeak;
        return Math.max(maxIdle, needed - leased);
    }

    /**
     * Closes idle connections beyond {@link #idleToKeep}, at most as many as were beyond it in one snapshot
     * of the pool (leased and idle counted together), and only ones idle at least {@code idleAtLeastMillis}.
     * Under load connections move between leased and idle all the time: a keep figure computed from one
     * instant's leases and applied to another instant's idle list closed connections of a pool that needed
     * them all (27 closed and reopened at 128 concurrent requests in one run, overflow 0), hence one snapshot
     * and the cap.
     */
    private void trimIdle(M manager, int maxIdle, int recentPeak, long idleAtLeastMillis) {
        PoolStats stats = libraryStats(manager);
        int keep = Math.max(0, idleToKeep(stats.leased(), maxIdle, recentPeak));
        int excess = stats.available() - keep;
        if (excess > 0) {
            long now = clock.currentTimeMillis();
            int[] seen = {0};
            int[] closing = {0};
            // Visited most recently used first: the ones after the first `keep` are the longest idle.
            closeIdle(manager, entry -> {
                if (seen[0]++ < keep || closing[0] >= excess || now - lastUsedMillis(entry) < idleAtLeastMillis) {
                    return false;
                }
                closing[0]++;
                return true;
            });
        }
    }

    @Override
    public int evictIdle() {
        M manager = manager();
        int before = available(manager);
        closeIdleOlderThan(manager, 0);
        return Math.max(0, before - available(manager));
    }

    @Override
    public void recreate(String reason) {
        // The old manager is recognised as retired before new leases stop going there: its releases find their owner.
        generations.replace(factory.get(), this::switched);
        recreated(reason);
    }

    /**
     * JVM shutdown: requests in flight get up to {@code grace} to finish, then every idle connection is
     * closed gracefully and replaced pools are closed. The current pool itself stays open: other shutdown
     * hooks (deregistering from a service registry, flushing to a collector) may still send requests, and a
     * per-request client would still have served them.
     */
    @Override
    public void shutdown(Duration grace) {
        generations.shutdown(grace, clock);
        evictIdle();
    }

    @Override
    public int reportLongLeases(Duration threshold) {
        return ledger.reportLongLeases(threshold);
    }

    protected final int closeIdle(M manager, Predicate<E> select) {
        try {
            return closeIdleEntries(manager, select);
        } catch (Throwable error) {
            AgentErrors.record("closing idle connections of " + name(), error);
            return 0;
        }
    }
}
