package io.httppool.it.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates made with the JDK's keytool, once per test JVM:
 * <ul>
 *   <li>{@link #serverKeystore()}: SAN {@code dns:localhost,ip:127.0.0.1} (the good upstream)</li>
 *   <li>{@link #wrongNameKeystore()}: SAN {@code dns:wrong-name.invalid} only: trusted, but its name
 *       matches neither localhost nor 127.0.0.1 (for the TLS isolation test)</li>
 *   <li>{@link #trustStore()}: trusts both, handed to child JVMs with {@code -Djavax.net.ssl.trustStore}</li>
 * </ul>
 * All PKCS12, password {@link #PASSWORD}. EC P-256 keys: cheap handshakes on a 2-core machine.
 */
public final class Certificates {

    public static final String PASSWORD = "changeit";

    private static Certificates instance;

    private final Path serverKeystore;
    private final Path wrongNameKeystore;
    private final Path trustStore;

    private Certificates(Path dir) throws IOException {
        Files.createDirectories(dir);
        serverKeystore = dir.resolve("server.p12");
        wrongNameKeystore = dir.resolve("wrong-name.p12");
        trustStore = dir.resolve("trust.p12");
        for (Path p : List.of(serverKeystore, wrongNameKeystore, trustStore,
                dir.resolve("server.pem"), dir.resolve("wrong-name.pem"))) {
            Files.deleteIfExists(p);
        }
        generate(serverKeystore, "server", "CN=localhost, O=http-pool-agent it-tests", "SAN=dns:localhost,ip:127.0.0.1");
        generate(wrongNameKeystore, "wrong", "CN=wrong-name.invalid, O=http-pool-agent it-tests", "SAN=dns:wrong-name.invalid");
        importInto(trustStore, serverKeystore, "server", dir.resolve("server.pem"));
        importInto(trustStore, wrongNameKeystore, "wrong", dir.resolve("wrong-name.pem"));
    }

    public static synchronized Certificates get() {
        if (instance == null) {
            try {
                instance = new Certificates(Settings.workDir().resolve("certs"));
            } catch (IOException e) {
                throw new IllegalStateException("cannot create test certificates", e);
            }
        }
        return instance;
    }

    public Path serverKeystore() {
        return serverKeystore;
    }

    public Path wrongNameKeystore() {
        return wrongNameKeystore;
    }

    public Path trustStore() {
        return trustStore;
    }

    /** System properties that make a child JVM's default SSLContext trust our certificates. */
    public List<String> trustStoreJvmArgs() {
        return List.of(
                "-Djavax.net.ssl.trustStore=" + trustStore,
                "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    private static void generate(Path keystore, String alias, String dname, String san) throws IOException {
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-validity", "30", "-dname", dname, "-ext", san,
                "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD);
    }

    private static void importInto(Path trustStore, Path keystore, String alias, Path pem) throws IOException {
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-file", pem.toString());
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", pem.toString(),
                "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
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
