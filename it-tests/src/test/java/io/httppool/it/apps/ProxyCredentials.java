package io.httppool.it.apps;

import java.net.InetSocketAddress;

/** A proxy's {@code host:port} and optional {@code user:password} as the apps' commands give them. */
record ProxyCredentials(String host, int port, String user, String password) {

    /** {@code userColonPassword} null (or {@code -}) for a client without proxy credentials. */
    static ProxyCredentials of(String proxyHostPort, String userColonPassword) {
        int colon = proxyHostPort.lastIndexOf(':');
        String host = proxyHostPort.substring(0, colon);
        int port = Integer.parseInt(proxyHostPort.substring(colon + 1));
        if (userColonPassword == null || "-".equals(userColonPassword)) {
            return new ProxyCredentials(host, port, null, null);
        }
        int sep = userColonPassword.indexOf(':');
        return new ProxyCredentials(host, port, userColonPassword.substring(0, sep), userColonPassword.substring(sep + 1));
    }

    boolean hasCredentials() {
        return user != null;
    }

    InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }
}
