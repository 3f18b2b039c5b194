package io.httppool.agent.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class SetupFingerprintTest {

    /** Stands for a library config object: every field final. */
    static final class Config {
        final int timeout;
        final String name;

        Config(int timeout, String name) {
            this.timeout = timeout;
            this.name = name;
        }
    }

    /** Stands for a connection-manager builder: mutable fields. */
    static final class Builder {
        Object tls;
        Function<String, Config> resolver;
        int max;
        boolean system;
    }

    static Function<String, Config> constant(Config config) {
        return route -> config;
    }

    @Test
    void freshBuildersWithEqualValuesAreEqual() {
        Builder a = new Builder();
        Builder b = new Builder();
        a.max = b.max = 50;
        a.resolver = constant(new Config(5, "x"));
        b.resolver = constant(new Config(5, "x"));
        assertEquals(SetupFingerprint.of(a), SetupFingerprint.of(b));
        assertEquals(SetupFingerprint.of(a).hashCode(), SetupFingerprint.of(b).hashCode());
        assertFalse(SetupFingerprint.of(a).hasIdentityParts());
    }

    @Test
    void anyDifferentValueMakesADifferentSetup() {
        Builder a = new Builder();
        Builder b = new Builder();
        a.resolver = constant(new Config(5, "x"));
        b.resolver = constant(new Config(6, "x"));
        assertNotEquals(SetupFingerprint.of(a), SetupFingerprint.of(b));
        b.resolver = constant(new Config(5, "x"));
        b.system = true;
        assertNotEquals(SetupFingerprint.of(a), SetupFingerprint.of(b));
    }

    @Test
    void jdkObjectsSuchAsSslContextsCompareByIdentity() throws Exception {
        SSLContext one = SSLContext.getInstance("TLS");
        SSLContext other = SSLContext.getInstance("TLS");
        Builder a = new Builder();
        Builder b = new Builder();
        a.tls = one;
        b.tls = other;
        assertNotEquals(SetupFingerprint.of(a), SetupFingerprint.of(b), "two trust setups must never share connections");
        b.tls = one;
        assertEquals(SetupFingerprint.of(a), SetupFingerprint.of(b));
        assertTrue(SetupFingerprint.of(a).hasIdentityParts());
    }

    @Test
    void mutableApplicationObjectsCompareByIdentity() {
        Builder innerA = new Builder();
        Builder innerB = new Builder();
        Builder a = new Builder();
        Builder b = new Builder();
        a.tls = innerA;
        b.tls = innerB;
        assertNotEquals(SetupFingerprint.of(a), SetupFingerprint.of(b));
    }

    @Test
    void differentLambdaClassesDiffer() {
        Config config = new Config(5, "x");
        Builder a = new Builder();
        Builder b = new Builder();
        a.resolver = constant(config);
        b.resolver = route -> config;
        assertNotEquals(SetupFingerprint.of(a), SetupFingerprint.of(b));
    }
}
