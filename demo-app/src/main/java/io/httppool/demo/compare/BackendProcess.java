package io.httppool.demo.compare;

import io.httppool.demo.common.Counters;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The backend JVM, shared by all runs of a comparison; its counters are read around each run. */
final class BackendProcess implements AutoCloseable {

    private final ChildJvm jvm;
    private final int httpPort;
    private final int httpsPort;
    private final String countersUrl;
    private final Path trustStore;

    private BackendProcess(ChildJvm jvm, Map<String, String> ready) {
        this.jvm = jvm;
        this.httpPort = Integer.parseInt(ready.get("http"));
        this.httpsPort = Integer.parseInt(ready.get("https"));
        this.countersUrl = "http://127.0.0.1:" + ready.get("admin") + "/counters";
        this.trustStore = Path.of(ready.get("truststore"));
    }

    static BackendProcess start(Path out) throws IOException, InterruptedException {
        ChildJvm jvm = ChildJvm.start("backend",
                List.of("-Xms256m", "-Xmx512m"),
                List.of("--tls-dir", out.resolve("tls").toString()),
                Map.of(), out.resolve("logs").resolve("backend.log"));
        return new BackendProcess(jvm, jvm.awaitReady(Duration.ofSeconds(60)));
    }

    String baseUrl(String scheme) {
        return scheme + "://127.0.0.1:" + (scheme.equals("https") ? httpsPort : httpPort);
    }

    Path trustStore() {
        return trustStore;
    }

    Map<String, Long> counters() throws IOException {
        if (!jvm.isAlive()) {
            throw new IOException("the backend exited; see " + jvm.log() + ":\n" + jvm.tail());
        }
        return Counters.fetch(countersUrl);
    }

    @Override
    public void close() {
        jvm.close();
    }
}
