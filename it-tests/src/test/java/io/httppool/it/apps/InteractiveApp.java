package io.httppool.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/**
 * A per-request-client application driven by stdin, one command per line, one result line per
 * command, so a test can change the upstream (restart it, wait for idle close...) between requests.
 *
 * <pre>
 * REQ &lt;mode&gt; &lt;METHOD&gt; &lt;url&gt; [body]   a new client of that habit, one request, close
 *     -> OK &lt;status&gt; &lt;url-encoded body&gt;  |  ERR &lt;exception class&gt; &lt;url-encoded message&gt;
 * SEQ &lt;mode&gt; &lt;METHOD&gt; &lt;url1&gt; &lt;url2&gt;  ONE client for two requests (a control: its cookie does travel)
 * LREQ &lt;library&gt; &lt;habit&gt; &lt;METHOD&gt; &lt;url&gt; [body]   REQ with any library's habit ({@link ClientLibrary})
 * LSEQ &lt;library&gt; &lt;habit&gt; &lt;url1&gt; &lt;url2&gt;   two GETs on ONE client of that library's habit
 *     -> the second request's result (or the first one's ERR)
 * LPROXY &lt;library&gt; &lt;host:port&gt; &lt;user:pass|-&gt; &lt;url&gt;   a new client of that library through that HTTP
 *                                  proxy (Basic credentials for it unless -), one GET, closed the library's way
 * LPROXYSEQ &lt;library&gt; &lt;n&gt; &lt;host:port&gt; &lt;user:pass|-&gt; &lt;url&gt;   ONE such client for n GETs (a control: it
 *                                  keeps its proxy connection) -> OK &lt;last status&gt; ok=&lt;n&gt;  |  the first ERR
 * OPEN &lt;name&gt; &lt;mode&gt;                 a long-lived client (not the per-request habit: for controls)
 * USE &lt;name&gt; &lt;METHOD&gt; &lt;url&gt; [body]   a request on it (response closed, client kept)
 * CLOSE &lt;name&gt;                      closes it; it stays under its name (USE on it shows what a closed client does)
 * ELAPSED                          -> OK 0 &lt;ms the previous REQ took, measured in the app&gt;
 * BG &lt;id&gt; &lt;mode&gt; &lt;METHOD&gt; &lt;url&gt;       REQ on a background thread -> OK 0 started
 * WAIT &lt;id&gt;                        -> that request's result line
 * PAR &lt;n&gt; &lt;threads&gt; &lt;mode&gt; &lt;url&gt;    n per-request-client GETs on that many threads
 *     -> OK 0 ok=&lt;n&gt;  |  ERR &lt;first failure's class&gt; &lt;message&gt; (failed=&lt;count&gt; of n)
 * FATAL &lt;mode&gt; &lt;url&gt;                a POST whose request entity throws {@link DeliberateError} (an Error)
 *                                  while being written, i.e. inside MainClientExec -> ERR &lt;class&gt; &lt;message&gt;
 * LEAK &lt;mode&gt; &lt;url&gt; &lt;n&gt;             n times: a new client, a GET, the response never read nor closed,
 *                                  client and response dropped -> OK &lt;last status&gt; leaked=n  |  ERR (first failure)
 * HOLD &lt;name&gt; &lt;mode&gt; &lt;url&gt;          a GET whose response (and client) is kept open -> OK &lt;status&gt; held
 * RELEASE &lt;name&gt;                   closes that response and client
 * AFTERCLOSE &lt;mode&gt; &lt;url&gt;           a GET whose client is closed before its response body is read, then read
 *     -> OK &lt;status&gt; &lt;body&gt;  |  ERR &lt;class of what reading threw&gt; &lt;message&gt;
 * JMX &lt;object name&gt; &lt;attribute&gt;    an attribute read from this JVM's platform MBean server
 *     -> OK 0 &lt;url-encoded value&gt; (a map as k=v,k=v)  |  ERR &lt;class&gt; &lt;message&gt;
 * JMXOP &lt;object name&gt; &lt;operation&gt;  a no-argument operation invoked in this JVM's platform MBean server
 *     -> OK 0 &lt;url-encoded return value&gt; ("null" for void)  |  ERR &lt;class&gt; &lt;message&gt;
 * CTXSEQ &lt;url1&gt; &lt;url2&gt;             two GETs, each on a new createDefault() client with a new plain BasicHttpContext
 *                                  holding ONE cookie store of the app's -> the second GET's result
 * RECONFIGURE &lt;url&gt;                the builder's manager reconfigured (setDefaultConnectionConfig), a client on it, one
 *                                  GET, the client (and that manager) closed -> the GET's result
 * SHUTDOWNPOOL                     shuts down the connection manager that
 *                                  {@code PoolingHttpClientConnectionManagerBuilder.create().build()} returns (under the
 *                                  agent: the managed default one) from outside the agent: sets its private
 *                                  {@code closed} flag and closes its private {@code pool} (CloseMode.GRACEFUL), as its
 *                                  own close() would, without calling close() (which the agent ignores on managed
 *                                  managers) -> OK 0 &lt;manager class@identity hash&gt;
 * BGPRINT &lt;id&gt; &lt;mode&gt; &lt;METHOD&gt; &lt;url&gt;  a per-request-client request on a background (daemon) thread -> OK 0 started;
 *                                  once its body is read (its Content-Length bytes, not on to the end of the stream, which
 *                                  would release the connection), so while the connection is still leased, the app prints
 *                                  on its own the line
 *                                  {@code BGDONE <id> OK <status> <url-encoded body>} | {@code BGDONE <id> ERR <class> <message>}
 * QUIT                             -> BYE, and main returns (worker threads are daemons: the JVM exits unless
 *                                  something else keeps it)
 * </pre>
 * Prints {@code READY} once started. Program arguments: the habit options of {@link Habits}.
 */
public final class InteractiveApp {

    public static void main(String[] args) throws Exception {
        Habits habits = new Habits(Exchange.options(args));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        java.util.Map<String, CloseableHttpClient> clients = new java.util.HashMap<>();
        java.util.Map<String, java.util.concurrent.Future<String>> background = new java.util.HashMap<>();
        java.util.Map<String, Held> held = new java.util.HashMap<>();
        java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "app-worker");
            t.setDaemon(true);
            return t;
        });
        long lastElapsedMs = -1;
        java.util.Map<String, ClientLibrary> libraries = new java.util.HashMap<>();
        print("READY");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            line = line.trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] p = line.split(" ", 5);
            String result;
            try {
                if (line.startsWith("LREQ ") || line.startsWith("LSEQ ") || line.startsWith("LPROXY")) {
                    print(libraryCommand(line, libraries));
                    continue;
                }
                switch (p[0]) {
                    case "QUIT":
                        print("BYE");
                        return;
                    case "REQ": {
                        Habits.check(p[1]);
                        long start = System.nanoTime();
                        result = Exchange.perRequest(habits, p[1], p[2], p[3], p.length > 4 ? p[4] : null).line();
                        lastElapsedMs = (System.nanoTime() - start) / 1_000_000;
                        break;
                    }
                    case "ELAPSED":
                        result = "OK 0 " + lastElapsedMs;
                        break;
                    case "BG": {
                        Habits.check(p[2]);
                        String mode = p[2];
                        String method = p[3];
                        String url = p[4];
                        background.put(p[1], workers.submit(() -> Exchange.perRequest(habits, mode, method, url, null).line()));
                        result = "OK 0 started";
                        break;
                    }
                    case "WAIT":
                        result = background.remove(p[1]).get(2, java.util.concurrent.TimeUnit.MINUTES);
                        break;
                    case "PAR":
                        Habits.check(p[3]);
                        result = parallel(habits, Integer.parseInt(p[1]), Integer.parseInt(p[2]), p[3], p[4], workers);
                        break;
                    case "FATAL":
                        Habits.check(p[1]);
                        result = fatal(habits, p[1], p[2]);
                        break;
                    case "LEAK":
                        Habits.check(p[1]);
                        result = leak(habits, p[1], p[2], Integer.parseInt(p[3]));
                        break;
                    case "HOLD": {
                        Habits.check(p[2]);
                        Held h = Held.open(habits, p[2], p[3]);
                        held.put(p[1], h);
                        result = "OK " + h.response.getCode() + " held";
                        break;
                    }
                    case "RELEASE":
                        held.remove(p[1]).close();
                        result = "OK 0 released";
                        break;
                    case "AFTERCLOSE":
                        Habits.check(p[1]);
                        result = Exchange.readAfterClientClosed(habits, p[1], p[2]).line();
                        break;
                    case "JMX":
                        result = "OK 0 " + Exchange.enc(jmx(p[1], p[2]));
                        break;
                    case "JMXOP":
                        result = "OK 0 " + Exchange.enc(String.valueOf(java.lang.management.ManagementFactory.getPlatformMBeanServer()
                                .invoke(new javax.management.ObjectName(p[1]), p[2], new Object[0], new String[0])));
                        break;
                    case "CTXSEQ":
                        result = contextCookies(p[1], p[2]);
                        break;
                    case "RECONFIGURE":
                        result = reconfigured(p[1]);
                        break;
                    case "SHUTDOWNPOOL":
                        result = "OK 0 " + Exchange.enc(shutDownPool());
                        break;
                    case "BGPRINT": {
                        Habits.check(p[2]);
                        String id = p[1];
                        String mode = p[2];
                        String method = p[3];
                        String url = p[4];
                        workers.execute(() -> backgroundPrint(habits, id, mode, method, url));
                        result = "OK 0 started";
                        break;
                    }
                    case "OPEN":
                        Habits.check(p[2]);
                        clients.put(p[1], habits.newClient(p[2]));
                        result = "OK 0 opened";
                        break;
                    case "USE":
                        result = Exchange.withClient(clients.get(p[1]), p[2], p[3], p.length > 4 ? p[4] : null).line();
                        break;
                    case "CLOSE":
                        clients.get(p[1]).close(); // kept under its name: USE then shows what a closed client does
                        result = "OK 0 closed";
                        break;
                    case "SEQ":
                        Habits.check(p[1]);
                        result = sequence(habits, p[1], p[2], p[3], p[4]);
                        break;
                    default:
                        result = "ERR " + IllegalArgumentException.class.getName() + " unknown+command";
                }
            } catch (RuntimeException | java.io.IOException | java.util.concurrent.ExecutionException
                     | java.util.concurrent.TimeoutException | javax.management.JMException
                     | ReflectiveOperationException e) {
                result = "ERR " + e.getClass().getName() + " " + Exchange.enc(String.valueOf(e.getMessage()));
            }
            print(result);
        }
    }

    /** One line on stdout; the main loop and background threads never interleave within a line. */
    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /**
     * Closes the manager a builder returns as its own close() would (closed flag set, pool closed), but without
     * calling close(): under the agent that is the shared default manager, whose close() the agent ignores.
     */
    /**
     * Two requests, each on a new {@code HttpClients.createDefault()} client (closed after), each with a new plain
     * {@code BasicHttpContext} holding the same cookie store of the application's (attribute {@code http.cookie-store}):
     * the second request's result. The library uses the context's store, so the first response's cookie travels.
     */
    @SuppressWarnings("deprecation")
    private static String contextCookies(String first, String second) throws java.io.IOException {
        org.apache.hc.client5.http.cookie.BasicCookieStore cookies = new org.apache.hc.client5.http.cookie.BasicCookieStore();
        String last = null;
        for (String url : new String[] {first, second}) {
            org.apache.hc.core5.http.protocol.BasicHttpContext context = new org.apache.hc.core5.http.protocol.BasicHttpContext();
            context.setAttribute(org.apache.hc.client5.http.protocol.HttpClientContext.COOKIE_STORE, cookies);
            try (CloseableHttpClient client = org.apache.hc.client5.http.impl.classic.HttpClients.createDefault()) {
                last = client.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(url), context, response -> "OK "
                        + response.getCode() + " " + Exchange.enc(org.apache.hc.core5.http.io.entity.EntityUtils.toString(response.getEntity())));
            }
        }
        return last;
    }

    /**
     * A manager from {@code PoolingHttpClientConnectionManagerBuilder.create().build()} (under the agent: the shared
     * default one) reconfigured with {@code setDefaultConnectionConfig} (under the agent it leaves sharing and is this
     * code's own), one GET on a client built on it, the client closed (and with it that manager).
     */
    private static String reconfigured(String url) throws java.io.IOException {
        org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager manager =
                org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create().build();
        manager.setDefaultConnectionConfig(org.apache.hc.client5.http.config.ConnectionConfig.custom()
                .setConnectTimeout(org.apache.hc.core5.util.Timeout.ofSeconds(7)).build());
        try (CloseableHttpClient client = org.apache.hc.client5.http.impl.classic.HttpClients.custom().setConnectionManager(manager).build()) {
            return Exchange.withClient(client, "GET", url, null).line();
        }
    }

    private static String shutDownPool() throws ReflectiveOperationException {
        org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager manager =
                org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder.create().build();
        Class<?> type = org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager.class;
        java.lang.reflect.Field closed = type.getDeclaredField("closed");
        closed.setAccessible(true);
        java.lang.reflect.Field pool = type.getDeclaredField("pool");
        pool.setAccessible(true);
        ((java.util.concurrent.atomic.AtomicBoolean) closed.get(manager)).set(true);
        ((org.apache.hc.core5.pool.ManagedConnPool<?, ?>) pool.get(manager)).close(org.apache.hc.core5.io.CloseMode.GRACEFUL);
        return manager.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(manager))
                + (manager.isClosed() ? " closed" : " NOT closed");
    }

    /** BGPRINT: prints {@code BGDONE <id> ...} once the body is read, while the response (and its connection) is still open. */
    @SuppressWarnings("deprecation")
    private static void backgroundPrint(Habits habits, String id, String mode, String method, String url) {
        boolean printed = false;
        try (CloseableHttpClient client = habits.newClient(mode);
             org.apache.hc.client5.http.impl.classic.CloseableHttpResponse response = client.execute(Exchange.request(method, url, null))) {
            org.apache.hc.core5.http.HttpEntity entity = response.getEntity();
            String text;
            if (entity != null && entity.getContentLength() >= 0 && entity.getContentLength() <= Integer.MAX_VALUE) {
                // Exactly Content-Length bytes, and no read past them: HttpClient releases the connection when a read
                // meets the end of the body (before EntityUtils.toString even returns), and the line must be out first.
                byte[] body = new byte[(int) entity.getContentLength()];
                new java.io.DataInputStream(entity.getContent()).readFully(body);
                text = new String(body, StandardCharsets.UTF_8);
            } else {
                text = entity == null ? "" : org.apache.hc.core5.http.io.entity.EntityUtils.toString(entity, StandardCharsets.UTF_8);
            }
            print("BGDONE " + id + " OK " + response.getCode() + " " + Exchange.enc(text));
            printed = true;
        } catch (java.io.IOException | org.apache.hc.core5.http.ParseException | RuntimeException e) {
            if (!printed) { // a failure of close() after the line is out is not the request's outcome
                print("BGDONE " + id + " ERR " + e.getClass().getName() + " " + Exchange.enc(String.valueOf(e.getMessage())));
            }
        }
    }

    /** {@code LREQ lib habit METHOD url [body]} and {@code LSEQ lib habit url1 url2}: one result line. */
    private static String libraryCommand(String line, java.util.Map<String, ClientLibrary> libraries) {
        String[] p = line.split(" ", 6);
        try {
            ClientLibrary library = libraries.computeIfAbsent(p[1], name -> ClientLibrary.of(name, java.util.Map.of()));
            if (p[0].startsWith("LPROXY")) {
                return proxied(library, line.split(" "));
            }
            if ("LREQ".equals(p[0])) {
                return library.perRequest(p[2], p[3], p[4], p.length > 5 ? p[5] : null).line();
            }
            Object client = library.newClient(p[2]);
            Exchange.Outcome first = library.withClient(client, "GET", p[3], null);
            return first.ok() ? library.withClient(client, "GET", p[4], null).line() : first.line();
        } catch (Exception | Error e) {
            return "ERR " + e.getClass().getName() + " " + Exchange.enc(String.valueOf(e.getMessage()));
        }
    }

    /** {@code LPROXY lib host:port creds url}: one per-request client; {@code LPROXYSEQ lib n host:port creds url}: one client, n GETs. */
    private static String proxied(ClientLibrary library, String[] p) throws Exception {
        boolean sequence = "LPROXYSEQ".equals(p[0]);
        int n = sequence ? Integer.parseInt(p[2]) : 1;
        int at = sequence ? 3 : 2;
        Object client = library.newProxiedClient(p[at], p[at + 1]);
        try {
            Exchange.Outcome last = null;
            for (int i = 0; i < n; i++) {
                last = library.withClient(client, "GET", p[at + 2], null);
                if (!last.ok()) {
                    return last.line();
                }
            }
            return sequence ? "OK " + last.status + " " + Exchange.enc("ok=" + n) : last.line();
        } finally {
            library.close(client);
        }
    }

    /** Thrown from inside a request (while its entity is written): an Error, as an OutOfMemoryError would be. */
    public static final class DeliberateError extends Error {
        private static final long serialVersionUID = 1L;

        DeliberateError(String message) {
            super(message);
        }
    }

    /** A per-request client whose POST entity throws {@link DeliberateError} half-way through writing. */
    private static String fatal(Habits habits, String mode, String url) throws java.io.IOException {
        org.apache.hc.client5.http.classic.methods.HttpPost post = new org.apache.hc.client5.http.classic.methods.HttpPost(url);
        post.setEntity(new org.apache.hc.core5.http.io.entity.AbstractHttpEntity(
                org.apache.hc.core5.http.ContentType.TEXT_PLAIN, null, true) {
            @Override
            public java.io.InputStream getContent() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void writeTo(java.io.OutputStream out) throws java.io.IOException {
                out.write("partial".getBytes(StandardCharsets.US_ASCII));
                throw new DeliberateError("deliberate Error while writing the request entity");
            }

            @Override
            public boolean isStreaming() {
                return false;
            }

            @Override
            public long getContentLength() {
                return -1;
            }

            @Override
            public void close() {
            }
        });
        try (CloseableHttpClient client = habits.newClient(mode)) {
            try (org.apache.hc.client5.http.impl.classic.CloseableHttpResponse response = client.execute(post)) {
                return "OK " + response.getCode() + " " + Exchange.enc("no Error was thrown");
            } catch (Error | RuntimeException | java.io.IOException e) {
                return "ERR " + e.getClass().getName() + " " + Exchange.enc(String.valueOf(e.getMessage()));
            }
        }
    }

    /** n requests whose responses are never read nor closed; client and response become unreachable. */
    @SuppressWarnings("deprecation")
    private static String leak(Habits habits, String mode, String url, int n) {
        int lastStatus = 0;
        for (int i = 0; i < n; i++) {
            try {
                lastStatus = leakOne(habits, mode, url);
            } catch (java.io.IOException | RuntimeException e) {
                return "ERR " + e.getClass().getName() + " " + Exchange.enc(e.getMessage() + " (request " + (i + 1) + " of " + n + ")");
            }
        }
        return "OK " + lastStatus + " " + Exchange.enc("leaked=" + n);
    }

    @SuppressWarnings({"deprecation", "resource"})
    private static int leakOne(Habits habits, String mode, String url) throws java.io.IOException {
        CloseableHttpClient client = habits.newClient(mode);
        org.apache.hc.client5.http.impl.classic.CloseableHttpResponse response =
                client.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(url));
        return response.getCode(); // neither the response nor the client is closed: both are dropped here
    }

    /** A response kept open on purpose (a lease held by the application). */
    private static final class Held {
        final CloseableHttpClient client;
        final org.apache.hc.client5.http.impl.classic.CloseableHttpResponse response;

        private Held(CloseableHttpClient client, org.apache.hc.client5.http.impl.classic.CloseableHttpResponse response) {
            this.client = client;
            this.response = response;
        }

        @SuppressWarnings("deprecation")
        static Held open(Habits habits, String mode, String url) throws java.io.IOException {
            CloseableHttpClient client = habits.newClient(mode);
            return new Held(client, client.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(url)));
        }

        void close() throws java.io.IOException {
            try {
                org.apache.hc.core5.http.io.entity.EntityUtils.consume(response.getEntity());
                response.close();
            } finally {
                client.close();
            }
        }
    }

    private static String parallel(Habits habits, int n, int threads, String mode, String url,
                                   java.util.concurrent.ExecutorService workers) throws java.util.concurrent.ExecutionException {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> first = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.List<java.util.concurrent.Future<?>> tasks = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            tasks.add(workers.submit(() -> {
                while (next.getAndIncrement() < n) {
                    Exchange.Outcome o = Exchange.perRequest(habits, mode, "GET", url, null);
                    if (!o.ok()) {
                        failed.incrementAndGet();
                        first.compareAndSet(null, o.error.getClass().getName() + " " + o.error.getMessage());
                    }
                }
            }));
        }
        for (java.util.concurrent.Future<?> f : tasks) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (failed.get() > 0) {
            String[] f = first.get().split(" ", 2);
            return "ERR " + f[0] + " " + Exchange.enc(f[1] + " (failed=" + failed.get() + " of " + n + ")");
        }
        return "OK 0 " + Exchange.enc("ok=" + n);
    }

    /** An attribute of an MBean of this JVM; open-type maps (TabularData of key/value) as k=v,k=v. */
    private static String jmx(String objectName, String attribute) throws javax.management.JMException {
        Object value = java.lang.management.ManagementFactory.getPlatformMBeanServer()
                .getAttribute(new javax.management.ObjectName(objectName), attribute);
        if (value instanceof javax.management.openmbean.TabularData) {
            java.util.List<String> entries = new java.util.ArrayList<>();
            for (Object row : ((javax.management.openmbean.TabularData) value).values()) {
                javax.management.openmbean.CompositeData c = (javax.management.openmbean.CompositeData) row;
                entries.add(c.get("key") + "=" + c.get("value"));
            }
            java.util.Collections.sort(entries);
            return String.join(",", entries);
        }
        return String.valueOf(value);
    }

    private static String sequence(Habits habits, String mode, String method, String url1, String url2)
            throws java.io.IOException {
        try (CloseableHttpClient client = habits.newClient(mode)) {
            Exchange.Outcome first = Exchange.withClient(client, method, url1, null);
            if (!first.ok()) {
                return first.line();
            }
            return Exchange.withClient(client, method, url2, null).line();
        }
    }
}
