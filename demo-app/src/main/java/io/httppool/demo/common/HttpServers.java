package io.httppool.demo.common;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Creates JDK {@link HttpServer}s with TCP_NODELAY on. */
public final class HttpServers {

    static {
        // Without this the JDK server leaves Nagle on: small keep-alive responses then wait for
        // the client's delayed ACK, ~40 ms per request, and the server becomes the bottleneck.
        // ServerConfig reads the property once, when the first server in the JVM is created,
        // so every server of the demo is created through this class.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private HttpServers() {
    }

    /** A server on the loopback interface; port 0 picks a free port. */
    public static HttpServer loopback(int port) throws IOException {
        return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    }
}
