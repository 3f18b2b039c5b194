package io.httppool.agent.threads;

import java.security.AccessController;
import java.security.PrivilegedAction;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every thread the agent starts is made here, so that none keeps an application's class loader alive.
 *
 * <p>A new thread inherits two things from the thread that creates it, and the agent often creates its threads
 * lazily on an application thread (the first pool, the first lease), which in a servlet container runs with a
 * web application's loader as its context class loader:
 * <ul>
 *   <li>the context class loader: an agent thread living as long as the JVM would pin the web application's loader
 *       (and with it every class and static of the application) after it was undeployed. Agent threads get the
 *       agent's own loader instead, which is what a thread started during {@code premain} has;</li>
 *   <li>on JDK 17 to 23, the access-control context of the creating code: the protection domain of every class on
 *       the stack, each holding its class loader. Creating the thread inside {@code doPrivileged} cuts that context
 *       to the agent's own frames. (JDK 24 and later keep no such context; {@code doPrivileged} then only runs the
 *       action.)</li>
 * </ul>
 * Threads the JDK starts on behalf of an agent thread (the status server's dispatcher, timers) inherit from that
 * clean thread in turn.
 */
public final class AgentThreads {

    private AgentThreads() {
    }

    /** A daemon thread named {@code name}, not started. */
    public static Thread newDaemon(Runnable task, String name) {
        Thread thread = createPrivileged(task, name);
        thread.setContextClassLoader(AgentThreads.class.getClassLoader());
        thread.setDaemon(true);
        return thread;
    }

    /** A factory of daemon threads named {@code name}, or {@code name-1}, {@code name-2}... when {@code numbered}. */
    public static ThreadFactory daemonFactory(String name, boolean numbered) {
        AtomicInteger count = new AtomicInteger();
        return task -> newDaemon(task, numbered ? name + "-" + count.incrementAndGet() : name);
    }

    /** What {@link #runClean} runs. */
    @FunctionalInterface
    public interface Action<T, E extends Exception> {
        T run() throws E;
    }

    /**
     * Runs {@code action} on this thread as if on an agent thread: with the agent's loader as context class loader
     * and inside {@code doPrivileged}, so that threads the JDK starts meanwhile on the agent's behalf (the selector
     * thread of a JDK HttpClient shared by every class loader, say) inherit nothing of the application thread.
     */
    @SuppressWarnings({"removal", "unchecked"})
    public static <T, E extends Exception> T runClean(Action<T, E> action) throws E {
        Thread current = Thread.currentThread();
        ClassLoader before = current.getContextClassLoader();
        current.setContextClassLoader(AgentThreads.class.getClassLoader());
        try {
            return AccessController.doPrivileged((PrivilegedExceptionAction<T>) action::run);
        } catch (PrivilegedActionException checked) {
            throw (E) checked.getException();
        } catch (LinkageError removedFromThisJdk) {
            return action.run();
        } finally {
            current.setContextClassLoader(before);
        }
    }

    @SuppressWarnings("removal") // AccessController: see the class comment; still present in JDK 25
    private static Thread createPrivileged(Runnable task, String name) {
        try {
            // A class, not a lambda: the first agent thread starts on the application's first call, where a lambda
            // spins a class at first use (~0.5-1.5 ms on a cold JVM).
            return AccessController.doPrivileged(new PrivilegedAction<Thread>() {
                @Override
                public Thread run() {
                    return new Thread(task, name);
                }
            });
        } catch (LinkageError removedFromThisJdk) {
            // A JDK without AccessController keeps no access-control context either.
            return new Thread(task, name);
        }
    }
}
