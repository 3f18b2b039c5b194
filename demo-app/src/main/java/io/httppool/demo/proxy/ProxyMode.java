package io.httppool.demo.proxy;

import java.util.Locale;

/** How the proxy talks to its upstream. */
public enum ProxyMode {
    /** The code as found: a new default client for every proxied request ("before"). */
    NAIVE,
    /** The hand fix a developer would write: one shared pooled client ("reference"). */
    POOLED;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ProxyMode parse(String value) {
        for (ProxyMode mode : values()) {
            if (mode.cliName().equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("--mode takes naive or pooled, not '" + value + "'");
    }
}
