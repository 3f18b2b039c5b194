package io.httppool.demo.testing;

import io.httppool.demo.backend.SelfSignedCertificate;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** One generated certificate for the whole test run: keytool takes about a second per call. */
public final class TestTls {

    private static SelfSignedCertificate certificate;

    private TestTls() {
    }

    public static synchronized SelfSignedCertificate certificate() throws Exception {
        if (certificate == null) {
            Path dir = Files.createTempDirectory("demo-test-tls");
            dir.toFile().deleteOnExit();
            certificate = SelfSignedCertificate.generate(dir);
        }
        return certificate;
    }

    /** A client context that trusts the generated certificate, through the written trust store file. */
    public static SSLContext clientContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificate().trustStore())) {
            trust.load(in, SelfSignedCertificate.PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
