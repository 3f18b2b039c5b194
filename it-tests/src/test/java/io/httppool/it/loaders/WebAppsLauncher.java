package io.httppool.it.loaders;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import javax.management.ObjectName;

/**
 * A tiny servlet container: it "deploys" web applications, each in a class loader of its own holding the
 * application's classes and its own copy of HttpClient 5, runs their requests on worker threads shared by all
 * of them (with the thread's context class loader set to the application's loader during a request, and reset
 * after, as Tomcat does), and "undeploys" them by dropping every reference to the loader. The JVM's class path
 * holds this class only: nothing of HttpClient is visible outside the web-app loaders. Driven by stdin, one
 * command a line, one answer a line ({@code OK <status> <url-encoded text>} or {@code ERR <class> <message>}):
 *
 * <pre>
 * DEPLOY &lt;name&gt; system|platform   a URLClassLoader over [webapp classes, HttpClient jars] whose parent is the
 *                                 system class loader (a servlet container's layout: it sees the agent) or the
 *                                 platform loader (it does not) -> OK 0 URLClassLoader-&lt;identity hash, hex&gt;
 * CALL &lt;name&gt; &lt;n&gt; &lt;threads&gt; [jdk] &lt;url&gt;  n per-request-client GETs by that application on that many
 *                                 worker threads (HttpClient 5; with {@code jdk}: the JDK's HttpClient)
 *                                 -> OK 0 ok=n | ERR &lt;first failure's class&gt; &lt;message&gt; (failed=k of n)
 * UNDEPLOY &lt;name&gt;                 drops the application: its loader and objects; only a WeakReference is kept
 * COLLECTED &lt;name&gt; &lt;ms&gt;           System.gc() every 100 ms until that loader is collected, at most that long
 *                                 -> OK 0 after=&lt;ms&gt; | ERR NotCollected ...
 * JMXPOOLS                        -> OK 0 &lt;the agent's pool MBean names, sorted, comma-separated&gt;
 * QUIT                            -> BYE
 * </pre>
 * Program arguments: {@code webapp=<classes dir> libs=<jar>:<jar>...}.
 */
public final class WebAppsLauncher {

    private static final String APP_CLASS = "io.httppool.it.loaders.webapp.PerRequestCall";

    private final URL[] urls;
    private final Map<String, ClassLoader> loaders = new HashMap<>();
    private final Map<String, Function<String, String>> apps = new HashMap<>();
    private final Map<String, WeakReference<ClassLoader>> undeployed = new HashMap<>();
    /** The container's request threads, shared by every application. */
    private final ExecutorService workers = Executors.newFixedThreadPool(8, runnable -> {
        Thread thread = new Thread(runnable, "container-worker");
        thread.setDaemon(true);
        return thread;
    });

    private WebAppsLauncher(URL[] urls) {
        this.urls = urls;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        List<URL> urls = new ArrayList<>();
        urls.add(Path.of(options.get("webapp")).toUri().toURL());
        for (String jar : options.get("libs").split(java.io.File.pathSeparator)) {
            urls.add(Path.of(jar).toUri().toURL());
        }
        WebAppsLauncher container = new WebAppsLauncher(urls.toArray(new URL[0]));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            if (line.trim().equals("QUIT")) {
                System.out.println("BYE");
                return;
            }
            String answer;
            try {
                answer = container.handle(line.trim().split(" "));
            } catch (Throwable error) {
                answer = err(error);
            }
            System.out.println(answer);
        }
    }

    private String handle(String[] p) throws Exception {
        switch (p[0]) {
            case "DEPLOY":
                return deploy(p[1], "platform".equals(p[2]) ? ClassLoader.getPlatformClassLoader() : ClassLoader.getSystemClassLoader());
            case "CALL":
                return call(apps.get(p[1]), loaders.get(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]),
                        p.length > 5 ? p[4] + " " + p[5] : p[4]);
            case "UNDEPLOY":
                undeployed.put(p[1], new WeakReference<>(loaders.remove(p[1])));
                apps.remove(p[1]);
                return "OK 0 undeployed";
            case "COLLECTED":
                return awaitCollected(undeployed.get(p[1]), Long.parseLong(p[2]));
            case "JMXPOOLS":
                TreeSet<String> names = new TreeSet<>();
                for (ObjectName name : ManagementFactory.getPlatformMBeanServer()
                        .queryNames(new ObjectName("io.httppool.agent:type=Pool,*"), null)) {
                    names.add(ObjectName.unquote(name.getKeyProperty("name")));
                }
                return "OK 0 " + encode(String.join(",", names));
            default:
                return "ERR UnknownCommand " + encode(p[0]);
        }
    }

    @SuppressWarnings("unchecked")
    private String deploy(String name, ClassLoader parent) throws Exception {
        URLClassLoader loader = new URLClassLoader("webapp-" + name, urls, parent);
        Function<String, String> app = (Function<String, String>) Class.forName(APP_CLASS, true, loader)
                .getDeclaredConstructor().newInstance();
        loaders.put(name, loader);
        apps.put(name, app);
        return "OK 0 " + loader.getClass().getSimpleName() + "-" + Integer.toHexString(System.identityHashCode(loader));
    }

    /** n requests on {@code threads} worker threads at once, each with the application's loader as context loader. */
    private String call(Function<String, String> app, ClassLoader loader, int n, int threads, String url) throws Exception {
        List<Future<String>> results = new ArrayList<>();
        java.util.concurrent.Semaphore concurrency = new java.util.concurrent.Semaphore(threads);
        for (int i = 0; i < n; i++) {
            concurrency.acquire();
            results.add(workers.submit(() -> {
                Thread current = Thread.currentThread();
                ClassLoader before = current.getContextClassLoader();
                current.setContextClassLoader(loader);
                try {
                    String answer = app.apply(url);
                    return answer.startsWith("200 ") ? null : "BadStatus " + encode(answer);
                } catch (Throwable error) {
                    return err(error).substring("ERR ".length());
                } finally {
                    current.setContextClassLoader(before);
                    concurrency.release();
                }
            }));
        }
        String firstFailure = null;
        int failed = 0;
        for (Future<String> result : results) {
            String failure = result.get();
            if (failure != null) {
                failed++;
                firstFailure = firstFailure == null ? failure : firstFailure;
            }
        }
        return failed == 0 ? "OK 0 ok=" + n : "ERR " + firstFailure + encode(" (failed=" + failed + " of " + n + ")");
    }

    private static String awaitCollected(WeakReference<ClassLoader> ref, long millis) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000;
        while (ref.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(100);
        }
        long waited = (System.nanoTime() - start) / 1_000_000;
        return ref.get() == null ? "OK 0 after=" + waited : "ERR NotCollected " + encode("still reachable after " + waited + " ms");
    }

    /** The error with its causes, as text: a Throwable kept would keep its classes' loader alive. */
    private static String err(Throwable error) {
        StringBuilder message = new StringBuilder(String.valueOf(error.getMessage()));
        for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
            message.append(" <- ").append(cause);
        }
        return "ERR " + error.getClass().getName() + " " + encode(message.toString());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
