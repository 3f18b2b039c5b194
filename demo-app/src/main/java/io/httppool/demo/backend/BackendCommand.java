package io.httppool.demo.backend;

import io.httppool.demo.common.Args;
import io.httppool.demo.common.ParentWatch;
import io.httppool.demo.common.ReadyLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code backend [--http-port 0] [--https-port 0] [--admin-port 0] [--tls-dir DIR]}: generates the
 * certificate, starts the backend, prints its ready line and serves until stopped.
 */
public final class BackendCommand {

    private BackendCommand() {
    }

    public static void run(Args args) throws Exception {
        int httpPort = args.integer("http-port", 0, 0, 65535);
        int httpsPort = args.integer("https-port", 0, 0, 65535);
        int adminPort = args.integer("admin-port", 0, 0, 65535);
        String tlsDirOption = args.string("tls-dir", null);
        boolean exitWithParent = args.flag("exit-with-parent");
        args.rejectUnknown();

        Path tlsDir = tlsDirOption != null ? Path.of(tlsDirOption) : Files.createTempDirectory("demo-backend-tls");
        SelfSignedCertificate certificate = SelfSignedCertificate.generate(tlsDir);
        SessionBackend backend = SessionBackend.start(certificate.serverContext(), httpPort, httpsPort, adminPort);
        Runtime.getRuntime().addShutdownHook(new Thread(backend::close, "backend-shutdown"));
        if (exitWithParent) {
            ParentWatch.exitWhenStdinCloses();
        }

        Map<String, String> ready = new LinkedHashMap<>();
        ready.put("role", "backend");
        ready.put("http", String.valueOf(backend.httpPort()));
        ready.put("https", String.valueOf(backend.httpsPort()));
        ready.put("admin", String.valueOf(backend.adminPort()));
        ready.put("truststore", certificate.trustStore().toAbsolutePath().toString());
        System.out.println(ReadyLine.format(ready));
        System.out.println("session backend: http://127.0.0.1:" + backend.httpPort() + "/sessions/{id}/...  "
                + "https://127.0.0.1:" + backend.httpsPort() + "/sessions/{id}/...  "
                + "counters: http://127.0.0.1:" + backend.adminPort() + "/counters");
        System.out.println("trust store for clients: -Djavax.net.ssl.trustStore=" + certificate.trustStore().toAbsolutePath()
                + " -Djavax.net.ssl.trustStorePassword=" + SelfSignedCertificate.PASSWORD
                + " -Djavax.net.ssl.trustStoreType=PKCS12");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
