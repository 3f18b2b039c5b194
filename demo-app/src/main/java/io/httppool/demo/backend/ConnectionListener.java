package io.httppool.demo.backend;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;

/**
 * Accepts connections on one port, counts each accepted TCP connection, and hands it to a worker.
 *
 * <p>A plain blocking {@link ServerSocket} rather than a framework: counting at {@code accept()}
 * is exact, and it is the server-side number the demo is about.
 */
final class ConnectionListener implements Runnable {

    private final ServerSocket serverSocket;
    private final boolean tls;
    private final BackendCounters counters;
    private final Http1Connection connection;
    private final ExecutorService workers;

    ConnectionListener(ServerSocket serverSocket, boolean tls, BackendCounters counters,
                       Http1Connection connection, ExecutorService workers) {
        this.serverSocket = serverSocket;
        this.tls = tls;
        this.counters = counters;
        this.connection = connection;
        this.workers = workers;
    }

    @Override
    public void run() {
        while (!serverSocket.isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (serverSocket.isClosed()) {
                    return;
                }
                continue; // e.g. too many open files for a moment: keep listening
            }
            counters.connectionAccepted(tls);
            try {
                // Small responses must leave at once; Nagle would hold them for the client's delayed ACK.
                socket.setTcpNoDelay(true);
                socket.setKeepAlive(true);
                workers.execute(() -> connection.serve(socket));
            } catch (IOException | RuntimeException e) {
                closeQuietly(socket);
            }
        }
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    void close() {
        closeQuietly(serverSocket);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing on shutdown or after a failed hand-off: nothing left to do
        }
    }
}
