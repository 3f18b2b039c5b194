package io.httppool.agent.pool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The library connection managers behind one managed pool: the current one, which serves new leases, and
 * the replaced ones that clients may still hold and whose leases finish there. A replaced manager is closed
 * by the agent once no request uses it any more (never earlier: a long download on it must finish).
 *
 * @param <M> the library's connection manager type
 */
public final class ManagerGenerations<M> {

    /**
     * What the generations need of the library's managers. One interface, not three functions: the pool is made
     * on an application's first call, where each lambda spins a class (~0.5-1.5 ms on a cold JVM).
     */
    public interface Managers<M> {
        /** Connections leased from {@code manager} now. */
        int leased(M manager);

        /** Whether {@code manager} was closed. */
        boolean isClosed(M manager);

        /** Closes {@code manager} gracefully, past the agent's own "ignore close" hook. */
        void closeByAgent(M manager);
    }

    private final Managers<M> managers;
    private final List<M> retired = new CopyOnWriteArrayList<>();
    private volatile M current;

    public ManagerGenerations(M first, Managers<M> managers) {
        this.current = first;
        this.managers = managers;
    }

    public M current() {
        return current;
    }

    /** Whether a replaced manager is still draining (then releases may have to find their manager). */
    public boolean anyRetired() {
        return !retired.isEmpty();
    }

    /**
     * Makes {@code fresh} the current manager. {@code beforeSwitch} gets (old, fresh) while both are still
     * known, so the library's registry can recognise the old one before new leases stop going there.
     */
    public synchronized M replace(M fresh, BiConsumer<M, M> beforeSwitch) {
        M old = current;
        beforeSwitch.accept(old, fresh);
        retired.add(old);
        current = fresh;
        drain();
        return old;
    }

    /** Closes replaced managers no request uses any more, and forgets closed ones. */
    public void drain() {
        for (M old : retired) {
            if (!managers.isClosed(old) && managers.leased(old) == 0) {
                managers.closeByAgent(old);
            }
        }
        for (M old : retired) { // a snapshot: removing while iterating is safe
            if (managers.isClosed(old)) {
                retired.remove(old);
            }
        }
    }

    /**
     * JVM shutdown: waits up to {@code grace} for the leases of the current and the replaced managers to
     * end, then closes the replaced ones. The current one stays open for other shutdown hooks.
     */
    public void shutdown(Duration grace, Clock clock) {
        long deadline = clock.millis() + grace.toMillis();
        while (leasedAnywhere() > 0 && clock.millis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (M old : retired) {
            managers.closeByAgent(old);
        }
    }

    private int leasedAnywhere() {
        int count = managers.leased(current);
        for (M old : retired) {
            if (!managers.isClosed(old)) {
                count += managers.leased(old);
            }
        }
        return count;
    }
}
