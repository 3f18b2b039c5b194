package io.httppool.agent.instrumentation.okhttp;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One client's view of the shared dispatcher executor: its asynchronous calls run on the shared threads,
 * but its life is its own. The usual clean-up {@code client.dispatcher().executorService().shutdown()}
 * stops this client's view only (later calls of this client are rejected, as by a shut-down executor of
 * its own; its running calls finish), never the threads other clients use.
 */
final class OkHttpExecutorView extends AbstractExecutorService {

    private final ExecutorService shared;
    private final Object lock = new Object();
    private boolean shutdown;
    private int running;

    OkHttpExecutorView(ExecutorService shared) {
        this.shared = shared;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (lock) {
            if (shutdown) {
                throw new RejectedExecutionException("this OkHttp client's dispatcher was shut down");
            }
            running++;
        }
        try {
            shared.execute(() -> {
                try {
                    task.run();
                } finally {
                    finished();
                }
            });
        } catch (RuntimeException | Error rejected) {
            finished();
            throw rejected;
        }
    }

    private void finished() {
        synchronized (lock) {
            running--;
            if (running == 0) {
                lock.notifyAll();
            }
        }
    }

    @Override
    public void shutdown() {
        synchronized (lock) {
            shutdown = true;
            lock.notifyAll();
        }
    }

    /** Calls already running go on (they run on shared threads, which this client does not own). */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        synchronized (lock) {
            return shutdown;
        }
    }

    @Override
    public boolean isTerminated() {
        synchronized (lock) {
            return shutdown && running == 0;
        }
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (lock) {
            while (!(shutdown && running == 0)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }
}
