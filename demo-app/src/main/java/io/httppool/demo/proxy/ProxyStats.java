package io.httppool.demo.proxy;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the proxy JVM spends: requests forwarded, errors, bytes allocated and CPU time used.
 *
 * <p>Cumulative values only; the load driver reads them at the start and the end of its measured
 * window and divides the differences by the requests forwarded in between. That measures the whole
 * proxy JVM, agent included, and nothing of the load driver or the backend.
 */
public final class ProxyStats {

    private final LongAdder forwarded = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Method totalAllocated = totalAllocatedMethod();

    public ProxyStats() {
        if (threads.isThreadAllocatedMemorySupported() && !threads.isThreadAllocatedMemoryEnabled()) {
            threads.setThreadAllocatedMemoryEnabled(true);
        }
    }

    void forwarded() {
        forwarded.increment();
    }

    void error() {
        errors.increment();
    }

    public long forwardedCount() {
        return forwarded.sum();
    }

    public long errorCount() {
        return errors.sum();
    }

    /**
     * Bytes allocated on the heap by all threads so far. On JDK 21+ the JVM's own total (which
     * keeps what finished threads allocated); on 17 the sum over live threads. That is the same for
     * the Apache 5 and 4 classic clients, whose work runs on the proxy's fixed worker pool. The JDK,
     * OkHttp and async clients also work on threads of their own; in the naive mode those threads
     * end with their client, and on JDK 17 what they allocated drops out of the sum (the figure is
     * then a lower bound).
     */
    public long allocatedBytes() {
        if (totalAllocated != null) {
            try {
                return (long) totalAllocated.invoke(threads);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // fall back to the live-thread sum below
            }
        }
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            if (bytes > 0) {
                sum += bytes;
            }
        }
        return sum;
    }

    /** CPU time of the whole process (all threads, JIT and GC included), in nanoseconds. */
    public long processCpuNanos() {
        return os.getProcessCpuTime();
    }

    /**
     * CPU time of the threads that serve requests (the worker pool and the server's dispatcher),
     * in nanoseconds. Compared with {@link #processCpuNanos()} it tells request work apart from
     * background work: JIT, GC, and any threads an agent runs.
     */
    public long requestThreadsCpuNanos() {
        long sum = 0;
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith(SessionProxy.WORKER_THREAD_PREFIX)
                    || info.getThreadName().startsWith("HTTP-Dispatcher"))) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    sum += cpu;
                }
            }
        }
        return sum;
    }

    public Map<String, Long> snapshot() {
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("forwarded", forwardedCount());
        values.put("errors", errorCount());
        values.put("allocated_bytes", allocatedBytes());
        values.put("cpu_nanos", processCpuNanos());
        values.put("request_threads_cpu_nanos", requestThreadsCpuNanos());
        values.put("gc_count", gcCount);
        values.put("gc_millis", gcMillis);
        // Time the JIT compilers have spent so far: while it still grows, the proxy is not in its steady state.
        values.put("jit_millis", jitMillis());
        // Live threads now, and the most there have been since the JVM started: absolute values,
        // not for differences. A client per request that starts threads of its own shows here.
        values.put("threads", (long) threads.getThreadCount());
        values.put("peak_threads", (long) threads.getPeakThreadCount());
        return values;
    }

    /** Accumulated JIT compilation time in milliseconds; 0 when the JVM does not measure it. */
    private static long jitMillis() {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private static Method totalAllocatedMethod() {
        try {
            // JDK 21+: com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes
            return com.sun.management.ThreadMXBean.class.getMethod("getTotalThreadAllocatedBytes");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
