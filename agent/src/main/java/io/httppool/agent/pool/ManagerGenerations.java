package io.httppool.agent.pool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The library connection managers behind one managed pool: the current one, which serves new leases, and
 * the replaced ones that clients may still hold and whose leases finish there. A replaced manager is closed
 * by the agent once no request uses it any more (never earlier: a long download on it must finish).
 *
 * @param <M> the library's connection manager type
 */
public final class ManagerGenerations<M> {

    private final ToIntFunction<M> leased;
    private final Predicate<M> isClosed;
    private final Consumer<M> closeByAgent;
    private final List<M> retired = new CopyOnWriteArrayList<>();
    private volatile M current;

    /**
     * @param leased       connections leased from a manager now
     * @param isClosed     whether a manager was closed
     * @param closeByAgent closes a manager gracefully, past the agent's own "ignore close" hook
     */
    public ManagerGenerations(M first, ToIntFunction<M> leased, Predicate<M> isClosed, Consumer<M> closeByAgent) {
        this.current = first;
        this.leased = leased;
        this.isClosed = isClosed;
        this.closeByAgent = closeByAgent;
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
            if (!isClosed.test(old) && leased.applyAsInt(old) == 0) {
                closeByAgent.accept(old);
            }
        }
        retired.removeIf(isClosed);
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
            closeByAgent.accept(old);
        }
    }

    private int leasedAnywhere() {
        int count = leased.applyAsInt(current);
        for (M old : retired) {
            if (!isClosed.test(old)) {
                count += leased.applyAsInt(old);
            }
        }
        return count;
    }
}
