package io.httppool.demo.compare;

import io.httppool.demo.proxy.ProxyMode;

/** The four ways the proxy is started for each scheme. */
enum Variant {
    BEFORE("before", ProxyMode.NAIVE, false, null),
    AFTER("after", ProxyMode.NAIVE, true, "true"),
    REFERENCE("reference", ProxyMode.POOLED, false, null),
    TOGGLED_OFF("toggled-off", ProxyMode.NAIVE, true, "false");

    final String label;
    final ProxyMode mode;
    final boolean agent;
    /** HTTP_POOL_ENABLED for the proxy JVM; set explicitly so a value in the user's shell cannot flip a run. */
    final String poolEnabled;

    Variant(String label, ProxyMode mode, boolean agent, String poolEnabled) {
        this.label = label;
        this.mode = mode;
        this.agent = agent;
        this.poolEnabled = poolEnabled;
    }

    String proxyClient() {
        return mode == ProxyMode.NAIVE ? "client-per-request" : "shared-pool";
    }

    static Variant parse(String label) {
        for (Variant v : values()) {
            if (v.label.equalsIgnoreCase(label.trim())) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown run '" + label + "': accepted before, after, reference, toggled-off");
    }
}
