package io.httppool.demo.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A throw-away certificate for the backend, plus the PKCS12 trust store the proxy is started with
 * ({@code -Djavax.net.ssl.trustStore}).
 *
 * <p>The JDK has no public API to create certificates, so this runs {@code keytool} from the JDK
 * that runs the demo: no extra dependency, and nothing to check into the repository. The proxy
 * keeps using the plain default client and trusts the backend through the standard JSSE system
 * properties, exactly as a real deployment with a private CA would.
 *
 * <p>EC P-256 rather than RSA: it is what current certificate authorities issue by default, and
 * its handshakes are cheaper, so the "before" figures are, if anything, flattered.
 */
public final class SelfSignedCertificate {

    public static final String PASSWORD = "changeit";
    static final String ALIAS = "session-backend";

    private final Path keyStore;
    private final Path trustStore;

    private SelfSignedCertificate(Path keyStore, Path trustStore) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
    }

    /** Creates {@code backend-keystore.p12} and {@code truststore.p12} in {@code dir}. */
    public static SelfSignedCertificate generate(Path dir) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        Path keyStore = dir.resolve("backend-keystore.p12");
        Path trustStore = dir.resolve("truststore.p12");
        Files.deleteIfExists(keyStore);
        Files.deleteIfExists(trustStore);

        runKeytool(List.of(
                keytool(), "-genkeypair",
                "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-dname", "CN=localhost, O=http-pool-agent demo",
                // HttpClient verifies the host name: the proxy connects to 127.0.0.1.
                "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:0:0:0:0:0:0:0:1",
                "-validity", "7",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD));

        KeyStore keys = load(keyStore);
        Certificate certificate = keys.getCertificate(ALIAS);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        // The JDK writes certificate-only PKCS12 entries with its "trusted for any use" attribute,
        // so the default TrustManagerFactory accepts this file as a trust store.
        trust.setCertificateEntry(ALIAS, certificate);
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trust.store(out, PASSWORD.toCharArray());
        }
        return new SelfSignedCertificate(keyStore, trustStore);
    }

    public Path keyStore() {
        return keyStore;
    }

    public Path trustStore() {
        return trustStore;
    }

    /** The server side: an SSLContext presenting the generated key. */
    public SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keyStore), PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static String keytool() {
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        Path unix = bin.resolve("keytool");
        Path windows = bin.resolve("keytool.exe");
        if (Files.isExecutable(unix)) {
            return unix.toString();
        }
        if (Files.isExecutable(windows)) {
            return windows.toString();
        }
        throw new IllegalStateException("keytool not found in " + bin + ": the demo needs a full JDK/JRE with keytool");
    }

    private static void runKeytool(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("keytool failed (exit " + process.exitValue() + "): " + output.trim());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
