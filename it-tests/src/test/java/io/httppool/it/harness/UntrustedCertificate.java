package io.httppool.it.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for {@code dns:localhost,ip:127.0.0.1} that is <em>not</em> in the trust store
 * the child JVMs get ({@link Certificates#trustStore()}): its name is right, its issuer is unknown. A client
 * with the JVM's default trust material must reject it; only a client with its own trust material (a
 * trust-all {@code SSLContext}) accepts it. Made once per test JVM with keytool, PKCS12, password
 * {@link Certificates#PASSWORD}.
 */
public final class UntrustedCertificate {

    private static Path keystore;

    private UntrustedCertificate() {
    }

    public static synchronized Path keystore() {
        if (keystore == null) {
            try {
                Path dir = Settings.workDir().resolve("certs-untrusted");
                Files.createDirectories(dir);
                Path p = dir.resolve("untrusted.p12");
                Files.deleteIfExists(p);
                keytool("-genkeypair", "-alias", "untrusted", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-sigalg", "SHA256withECDSA", "-validity", "30",
                        "-dname", "CN=localhost, O=http-pool-agent it-tests untrusted",
                        "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                        "-keystore", p.toString(), "-storetype", "PKCS12",
                        "-storepass", Certificates.PASSWORD, "-keypass", Certificates.PASSWORD);
                keystore = p;
            } catch (IOException e) {
                throw new IllegalStateException("cannot create the untrusted certificate", e);
            }
        }
        return keystore;
    }

    /** A server-side SSLContext presenting the untrusted certificate. */
    public static SSLContext serverContext() {
        try (InputStream in = Files.newInputStream(keystore())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, Certificates.PASSWORD.toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, Certificates.PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load " + keystore, e);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            boolean finished = p.waitFor(60, TimeUnit.SECONDS);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!finished || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool failed: " + cmd + "\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
