package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.Server;
import io.httppool.it.harness.StatusEndpoint;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * A Spring Boot 3 executable jar (it-tests/spring-boot-app, built in the reactor by spring-boot-maven-plugin: its
 * libraries are nested jars, loaded by Spring Boot's LaunchedClassLoader) whose controller builds
 * {@code new RestTemplate(new HttpComponentsClientHttpRequestFactory())} for every request: with the agent its
 * HttpClient 5 is pooled in a pool named after that loader, without it every request opens a connection. The
 * upstream counts the connections; requests go through the app's own controller.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SpringBootJarIT extends UpstreamTest {

    static final int REQUESTS = 40;
    static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");
    /** What the upstream's {@code /ok} answers, and so what the app's controller forwards. */
    static final String OK_BODY = "ok";

    private static Path appJar() {
        Path jar = Path.of(System.getProperty("it.spring.boot.jar", "spring-boot-app/target/spring-boot-app.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Spring Boot test app not found at " + jar.toAbsolutePath()
                    + ": build it with `mvn -B -pl it-tests/spring-boot-app package` (the reactor builds it before it-tests)");
        }
        return jar;
    }

    private static Server start(boolean agent) {
        return JvmRunner.jar(appJar()).agent(agent).env("HTTP_POOL_STATUS_PORT", "0")
                .args("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off").startServer();
    }

    @Test
    void perRequestRestTemplatesInAnExecutableJarArePooled() {
        CountingForwarder counter = upstream.newCounter(false);
        String target = Upstream.baseOf(counter, false) + "/ok";
        try (Server app = start(true)) {
            int port = callThroughTheController(app, target);
            assertEquals("org.springframework.boot.loader.launch.LaunchedClassLoader", get(port, "/loader"),
                    "HttpClient 5 comes from Spring Boot's nested-jar loader\n" + app.describe());
            String story = counter.accepted() + " connections for " + REQUESTS + " requests\n" + app.describe();
            assertTrue(counter.accepted() <= 2, "one pool for every RestTemplate of the app: " + story);
            AgentLog.assertPoolingOn(app.stderr(), story);
            List<String> pooling = AgentLog.lines(app.stderr(), AgentLog.TAG, "Pooling Apache HttpClient 5",
                    "org.springframework.boot.loader.launch.LaunchedClassLoader@");
            assertEquals(1, pooling.size(), "the agent says it pools HttpClient 5 in the LaunchedClassLoader\n" + story);
            String pool = AgentLog.lines(app.stderr(), AgentLog.TAG, "Created managed pool apache5/system@LaunchedClassLoader-")
                    .stream().findFirst().map(line -> line.replaceAll(".*Created managed pool (\\S+) .*", "$1"))
                    .orElseThrow(() -> new AssertionError("a pool for HttpClients.createSystem() named after the loader\n" + story));
            StatusEndpoint status = StatusEndpoint.await(app::stderr, Duration.ofSeconds(30), app::describe);
            assertFalse(status.health().pool(pool).isEmpty(), "/health lists " + pool + ": " + status.health() + "\n" + story);
            assertEquals(REQUESTS, (long) status.metrics().value("http_client_requests_total", "pool", pool),
                    "/metrics counts every request of the pool\n" + story);
            assertFalse(app.stderr().contains("Internal error"), story);
        }
    }

    /** Control: the same app without the agent opens a connection per request. */
    @Test
    void withoutTheAgentEveryRestTemplateConnects() {
        CountingForwarder counter = upstream.newCounter(false);
        String target = Upstream.baseOf(counter, false) + "/ok";
        try (Server app = start(false)) {
            callThroughTheController(app, target);
            assertTrue(counter.accepted() >= REQUESTS * 3 / 4, "about a connection per request without the agent: "
                    + counter.accepted() + "\n" + app.describe());
        }
    }

    /** Waits for the app to listen, then makes {@value #REQUESTS} calls of its controller to {@code target}; returns its port. */
    private static int callThroughTheController(Server app, String target) {
        int port = Integer.parseInt(app.awaitStdout(STARTED, Duration.ofSeconds(90)));
        for (int i = 0; i < REQUESTS; i++) {
            assertEquals(OK_BODY, get(port, "/call?url=" + URLEncoder.encode(target, StandardCharsets.UTF_8)), app.describe());
        }
        return port;
    }

    private static String get(int port, String pathAndQuery) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + pathAndQuery).toURL().openConnection();
            c.setConnectTimeout(5_000);
            c.setReadTimeout(30_000);
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (status != 200) {
                    throw new AssertionError("GET " + pathAndQuery + " answered " + status + ": " + body);
                }
                return body;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + pathAndQuery + " on the Spring Boot app", e);
        }
    }
}
