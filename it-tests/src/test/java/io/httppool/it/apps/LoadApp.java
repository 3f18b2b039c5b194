package io.httppool.it.apps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/**
 * A per-request-client application driven by {@code key=value} arguments; prints one
 * machine-readable {@code RESULT} line per (base URL, mode).
 *
 * <pre>
 * library=apache5|apache5-async|jdk|okhttp|apache4|spring5   whose habits (see {@link ClientLibrary}); default apache5
 * modes=default,custom     habits to run, one after the other (see {@link Habits}, {@link ClientLibrary}), against
 * bases=http://127.0.0.1:1,https://127.0.0.1:2   each of these bases
 * runs=default@http://..,custom@https://..      or: explicit (habit, base) pairs, in order;
 *                          jdk:default@http://.. names the library of that run (else library=)
 * paths=/ok,POST:/echo     request i goes to paths[i % n] (a POST: prefix overrides method)
 * method=GET|POST          body=text (POST body is text + "-" + i)
 * requests=2000 threads=16
 * storm=64                 extra threads that create and close clients in a loop meanwhile
 * storm-request-every=N    every Nth storm client also makes a GET to paths[0] (default 0: none)
 * shared=true              harness self-check: one client for all requests (what pooling achieves)
 * unclosed=true            each request closes its client but not its response, nor reads it (issue 14;
 *                          {@link ClientLibrary#closeClientNotResponse})
 * hold-ms=N                after the last RESULT line, stay alive N ms (a test counts at the server what
 *                          the pool keeps while the JVM still runs)
 * same-client=true         each thread makes all its requests on one client of the habit (a control)
 * pause-ms=N burst=B       pacing: each thread sleeps N ms after every B requests (default 0 ms, B=1);
 *                          threads start together, so with a long pause the load comes in bursts with
 *                          every connection idle in between
 * response-timeout-ms=..., socket-timeout-ms=...   app-level timeouts, see {@link Habits}
 * dump=dir                 also writes every outcome line to dir/mode_scheme_port.txt (for diffs)
 * </pre>
 *
 * RESULT fields: mode, base, requests, successes, failures, failureTypes (class:count,...),
 * statuses (code:count,...), digest (SHA-256 over "index status body" of every request, or the
 * exception class for failures), stormClients, stormFailures, elapsedMs, slowestMs (the longest single
 * request, measured in the app).
 */
public final class LoadApp {

    private static String dumpDir;
    private static int stormRequestEvery;
    private static long pauseMillis;
    private static int burst;
    private static boolean unclosed;
    private static boolean sameClient;
    private static ClientLibrary library;

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Exchange.options(args);
        List<String[]> runs = new ArrayList<>();
        if (o.containsKey("runs")) {
            for (String run : o.get("runs").split(",")) {
                int at = run.indexOf('@');
                runs.add(new String[] {run.substring(0, at), run.substring(at + 1)});
            }
        } else {
            for (String base : require(o, "bases").split(",")) {
                for (String mode : o.getOrDefault("modes", "default").split(",")) {
                    runs.add(new String[] {mode, base});
                }
            }
        }
        String libraryName = o.getOrDefault("library", "apache5");
        if ("apache5".equals(libraryName)) {
            // cookies and closing are ClientLibrary habits every library has (Apache5Library maps them)
            runs.stream().map(r -> r[0]).filter(m -> !m.contains(":") && !m.equals("cookies") && !m.equals("closing"))
                    .forEach(Habits::check);
        }
        String[] paths = o.getOrDefault("paths", "/ok").split(",");
        String method = o.getOrDefault("method", "GET");
        String body = o.getOrDefault("body", "payload");
        int requests = Integer.parseInt(o.getOrDefault("requests", "100"));
        int threads = Integer.parseInt(o.getOrDefault("threads", "4"));
        int storm = Integer.parseInt(o.getOrDefault("storm", "0"));
        stormRequestEvery = Integer.parseInt(o.getOrDefault("storm-request-every", "0"));
        boolean shared = Boolean.parseBoolean(o.getOrDefault("shared", "false"));
        unclosed = Boolean.parseBoolean(o.getOrDefault("unclosed", "false"));
        sameClient = Boolean.parseBoolean(o.getOrDefault("same-client", "false"));
        Habits habits = new Habits(o);
        library = ClientLibrary.of(libraryName, o);
        dumpDir = o.get("dump");
        pauseMillis = Long.parseLong(o.getOrDefault("pause-ms", "0"));
        burst = Math.max(1, Integer.parseInt(o.getOrDefault("burst", "1")));

        for (String[] r : runs) {
            run(habits, r[0], r[1], paths, method, body, requests, threads, storm, shared);
        }
        System.out.flush();
        pause(Long.parseLong(o.getOrDefault("hold-ms", "0")));
    }

    private static void run(Habits habits, String modeSpec, String base, String[] paths, String method,
                            String body, int requests, int threads, int storm, boolean shared) throws Exception {
        int colon = modeSpec.indexOf(':');
        ClientLibrary library = colon > 0 ? ClientLibrary.of(modeSpec.substring(0, colon), java.util.Map.of()) : LoadApp.library;
        String mode = colon > 0 ? modeSpec.substring(colon + 1) : modeSpec;
        String[] outcomes = new String[requests];
        Map<String, Integer> failureTypes = new TreeMap<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger successes = new AtomicInteger();
        AtomicInteger printedFailures = new AtomicInteger();
        AtomicLong slowestNanos = new AtomicLong();
        CloseableHttpClient sharedClient = shared ? habits.newClient(mode) : null;

        AtomicBoolean done = new AtomicBoolean();
        AtomicLong stormClients = new AtomicLong();
        AtomicLong stormFailures = new AtomicLong();
        ExecutorService stormPool = storm > 0 ? Executors.newFixedThreadPool(storm) : null;
        List<Future<?>> stormTasks = new ArrayList<>();
        for (int s = 0; s < storm; s++) {
            stormTasks.add(stormPool.submit(() -> {
                long iteration = 0;
                while (!done.get()) {
                    try {
                        if (stormRequestEvery > 0 && iteration++ % stormRequestEvery == 0) {
                            Exchange.Outcome out = library.perRequest(mode, "GET", base + paths[0], null);
                            if (!out.ok()) {
                                stormFailures.incrementAndGet();
                                report(mode, -1, out, printedFailures);
                            }
                        } else {
                            library.buildAndDrop(mode);
                        }
                    } catch (Exception | Error e) {
                        stormFailures.incrementAndGet();
                        e.printStackTrace();
                    }
                    stormClients.incrementAndGet();
                }
            }));
        }

        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            tasks.add(pool.submit(() -> {
                Object threadClient = null;
                for (int mine = 0; ; mine++) {
                    if (pauseMillis > 0 && mine > 0 && mine % burst == 0 && next.get() < requests) {
                        pause(pauseMillis);
                    }
                    int i = next.getAndIncrement(); // after the pause: indexes follow the order requests start in
                    if (i >= requests) {
                        break;
                    }
                    String path = paths[i % paths.length];
                    String m = method;
                    if (path.startsWith("POST:")) {
                        m = "POST";
                        path = path.substring("POST:".length());
                    }
                    String url = base + path;
                    String payload = "POST".equals(m) ? body + "-" + i : null;
                    long requestStart = System.nanoTime();
                    Exchange.Outcome out;
                    if (shared) {
                        out = Exchange.withClient(sharedClient, m, url, payload);
                    } else if (unclosed) {
                        out = library.closeClientNotResponse(mode, url);
                    } else if (sameClient) {
                        try {
                            threadClient = threadClient != null ? threadClient : library.newClient(mode);
                            out = library.withClient(threadClient, m, url, payload);
                        } catch (Exception e) {
                            out = new Exchange.Outcome(0, null, e);
                        }
                    } else {
                        out = library.perRequest(mode, m, url, payload);
                    }
                    slowestNanos.accumulateAndGet(System.nanoTime() - requestStart, Math::max);
                    if (out.ok()) {
                        successes.incrementAndGet();
                        outcomes[i] = i + " " + out.status + " " + oneLine(out.body);
                        synchronized (statuses) {
                            statuses.merge(out.status, 1, Integer::sum);
                        }
                    } else {
                        outcomes[i] = i + " " + out.error.getClass().getName();
                        synchronized (failureTypes) {
                            failureTypes.merge(out.error.getClass().getName(), 1, Integer::sum);
                        }
                        report(mode, i, out, printedFailures);
                    }
                }
            }));
        }
        for (Future<?> f : tasks) {
            f.get();
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        done.set(true);
        for (Future<?> f : stormTasks) {
            f.get();
        }
        pool.shutdown();
        if (stormPool != null) {
            stormPool.shutdown();
        }
        if (sharedClient != null) {
            sharedClient.close();
        }

        if (dumpDir != null) {
            java.nio.file.Path dir = java.nio.file.Path.of(dumpDir);
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.write(dir.resolve(dumpName(modeSpec.replace(":", "-"), base)), java.util.Arrays.asList(outcomes), StandardCharsets.UTF_8);
        }
        System.out.println("RESULT mode=" + modeSpec
                + " base=" + base
                + " requests=" + requests
                + " successes=" + successes.get()
                + " failures=" + (requests - successes.get())
                + " failureTypes=" + join(failureTypes)
                + " statuses=" + join(statuses)
                + " digest=" + digest(outcomes)
                + " stormClients=" + stormClients.get()
                + " stormFailures=" + stormFailures.get()
                + " elapsedMs=" + elapsedMs
                + " slowestMs=" + TimeUnit.NANOSECONDS.toMillis(slowestNanos.get())
                + " liveThreads=" + java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The file name {@code dump=dir} uses for a (mode, base) run. */
    public static String dumpName(String mode, String base) {
        return mode + "_" + base.replaceAll("[^A-Za-z0-9]+", "_") + ".txt";
    }

    private static void report(String mode, int index, Exchange.Outcome out, AtomicInteger printed) {
        if (printed.incrementAndGet() <= 5) {
            System.out.println("FAILURE mode=" + mode + " index=" + index + " " + out.line());
            synchronized (System.err) {
                System.err.println("LoadApp: request " + index + " (" + mode + ") failed:");
                out.error.printStackTrace();
            }
        }
    }

    private static String oneLine(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String join(Map<?, Integer> counts) {
        if (counts.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        counts.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append(':').append(v));
        return sb.toString();
    }

    private static String digest(String[] outcomes) throws NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String line : outcomes) {
            sha.update(String.valueOf(line).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 24);
    }

    private static String require(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing argument " + key + "=...");
        }
        return v;
    }
}
