package io.httppool.demo.proxy;

import java.util.Locale;
import java.util.Set;

/**
 * Headers that describe one connection rather than the message (RFC 9110 section 7.6.1), plus the
 * headers each hop sets for itself (Host, Content-Length, Date). A proxy must not copy them across.
 */
final class HopByHopHeaders {

    private static final Set<String> NAMES = Set.of(
            "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
            "te", "trailer", "transfer-encoding", "upgrade",
            "host", "content-length", "date");

    private HopByHopHeaders() {
    }

    static boolean skip(String name) {
        return NAMES.contains(name.toLowerCase(Locale.ROOT));
    }
}
