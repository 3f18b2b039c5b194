package io.httppool.agent.pool;

import io.httppool.agent.log.AgentErrors;
import java.net.InetAddress;
import java.security.Security;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the host names pooled connections go to resolve to now, so that connections to an address a name
 * no longer points to can be retired (a blue/green switch, a failover record, a scaled-out service behind
 * round-robin DNS). A per-request client re-resolves for every request through the JVM's DNS cache; this
 * class asks the same resolver once a second per watched name, which the JVM answers from its cache until
 * the cache time ({@code networkaddress.cache.ttl}, 30 s by default) expires: no more DNS queries than the
 * per-request client would have caused, and a move is noticed within the cache time plus about a second.
 *
 * <p>A name not resolved yet, or whose lookup fails, counts as unchanged: the agent never retires a
 * connection on a guess. With a cache time of -1 ("forever") the JVM never re-resolves, so nothing is watched.
 */
public final class HostAddresses {

    /** How a name is looked up: the JVM's resolver by default, or a library's own (HttpClient's DnsResolver). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws Exception;
    }

    /** Most names watched at once; beyond that, new names are not watched (bounded memory and lookups). */
    static final int MAX_HOSTS = 256;

    /** "Read the JVM's cache time when first needed": see {@link #settingsKnown()}. */
    private static final long FROM_JVM = Long.MIN_VALUE;

    /** The JVM's resolver. A class, not {@code InetAddress::getAllByName}: made on the first call, where a method reference spins one. */
    private static final Resolver JVM_RESOLVER = new Resolver() {
        @Override
        public InetAddress[] resolve(String host) throws Exception {
            return InetAddress.getAllByName(host);
        }
    };

    private static final HostAddresses JVM = new HostAddresses(JVM_RESOLVER, Clock.SYSTEM, FROM_JVM, 1_000);

    private final Resolver resolver;
    private final Clock clock;
    private final boolean refreshAtCacheTime;
    private volatile long cacheMillis;
    private volatile long refreshMillis;
    private final Map<String, Entry> hosts = new ConcurrentHashMap<>();

    private static final class Entry {
        volatile Set<InetAddress> current;   // null until first resolved
        volatile long resolvedAtMillis = Long.MIN_VALUE;
        volatile long movedAtMillis = Long.MIN_VALUE;
    }

    /**
     * @param cacheMillis   the resolver's cache time; negative: never re-resolved, so nothing is watched
     * @param refreshMillis how often a name is asked again (answers within the cache time are free)
     */
    public HostAddresses(Resolver resolver, Clock clock, long cacheMillis, long refreshMillis) {
        this(resolver, clock, cacheMillis, refreshMillis, false);
    }

    private HostAddresses(Resolver resolver, Clock clock, long cacheMillis, long refreshMillis, boolean refreshAtCacheTime) {
        this.resolver = resolver;
        this.clock = clock;
        this.cacheMillis = cacheMillis;
        this.refreshMillis = refreshMillis;
        this.refreshAtCacheTime = refreshAtCacheTime;
    }

    /** The JVM-wide instance over {@link InetAddress#getAllByName}, refreshed by the health thread. */
    public static HostAddresses jvm() {
        return JVM;
    }

    /**
     * An instance over a library's own resolver (an application's custom DNS resolver), asked once per JVM
     * cache time: its own caching is unknown, so it is not asked every second. Its owner refreshes it.
     */
    public static HostAddresses using(Resolver resolver) {
        return new HostAddresses(resolver, Clock.SYSTEM, FROM_JVM, 1_000, true);
    }

    /**
     * The JVM's cache time is read on the housekeeping thread at the first refresh, never on the application
     * thread that creates a pool: reading it initialises {@code java.security.Security}, and initialising
     * that class on one thread while another initialises the TLS provider classes is a known class-loading
     * deadlock. By the first refresh a connection was made, so the JVM has read it already.
     */
    private void settingsKnown() {
        if (cacheMillis == FROM_JVM) {
            long cache = jvmCacheMillis();
            if (refreshAtCacheTime) {
                refreshMillis = Math.max(1_000, cache);
            }
            cacheMillis = cache;
        }
    }

    /** Starts watching {@code host} (a name, not an IP literal); cheap when it is watched already. */
    public void watch(String host) {
        if (cacheMillis < 0 && cacheMillis != FROM_JVM || host == null || hosts.containsKey(host) || isLiteral(host) || hosts.size() >= MAX_HOSTS) {
            return;
        }
        hosts.putIfAbsent(host, new Entry());
    }

    /**
     * False only when {@code host} was resolved and {@code address} is not among its addresses now.
     * Called on request threads: reads what the last refresh found, never resolves.
     */
    public boolean stillCurrent(String host, InetAddress address) {
        if (host == null || address == null) {
            return true;
        }
        Entry entry = hosts.get(host);
        Set<InetAddress> current = entry != null ? entry.current : null;
        return current == null || current.contains(address);
    }

    /**
     * When (wall clock) {@code host} last resolved to other addresses than before, or {@code Long.MIN_VALUE}:
     * for a library whose connections cannot be retired one by one, which then renews them all.
     */
    public long lastMoveMillis(String host) {
        Entry entry = host != null ? hosts.get(host) : null;
        return entry != null ? entry.movedAtMillis : Long.MIN_VALUE;
    }

    /** Re-resolves the names due; returns those whose addresses changed. Run by the agent's housekeeping thread. */
    public List<String> refresh() {
        List<String> moved = new ArrayList<>();
        if (hosts.isEmpty()) {
            return moved;
        }
        settingsKnown();
        if (cacheMillis < 0) {
            hosts.clear(); // the JVM never re-resolves: neither does the agent
            return moved;
        }
        long now = clock.millis();
        for (Map.Entry<String, Entry> watched : hosts.entrySet()) {
            Entry entry = watched.getValue();
            if (entry.resolvedAtMillis != Long.MIN_VALUE && now - entry.resolvedAtMillis < refreshMillis) {
                continue;
            }
            entry.resolvedAtMillis = now;
            Set<InetAddress> resolved = lookUp(watched.getKey());
            if (resolved == null) {
                continue; // a failed lookup is no evidence that the name moved
            }
            Set<InetAddress> before = entry.current;
            entry.current = resolved;
            if (before != null && !before.equals(resolved)) {
                entry.movedAtMillis = clock.currentTimeMillis();
                moved.add(watched.getKey());
            }
        }
        return moved;
    }

    /** False when the resolver's cache never expires (then nothing is watched). */
    public boolean enabled() {
        return cacheMillis >= 0 || cacheMillis == FROM_JVM;
    }

    private Set<InetAddress> lookUp(String host) {
        try {
            InetAddress[] addresses = resolver.resolve(host);
            if (addresses == null || addresses.length == 0) {
                return null;
            }
            Set<InetAddress> set = new HashSet<>();
            for (InetAddress address : addresses) {
                set.add(address);
            }
            return Set.copyOf(set);
        } catch (java.net.UnknownHostException unknown) {
            return null;
        } catch (Throwable error) {
            AgentErrors.record("resolving " + host, error);
            return null;
        }
    }

    /** An IPv4 or IPv6 literal names one address forever: nothing to watch. */
    static boolean isLiteral(String host) {
        if (host.isEmpty()) {
            return true;
        }
        if (host.indexOf(':') >= 0 || host.startsWith("[")) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(c == '.' || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The JVM's positive DNS cache time in ms: security property {@code networkaddress.cache.ttl}, else system
     * property {@code sun.net.inetaddr.ttl}, else the JDK's default of 30 s. Negative means forever.
     */
    public static long jvmCacheMillis() {
        String value = Security.getProperty("networkaddress.cache.ttl");
        if (value == null) {
            value = System.getProperty("sun.net.inetaddr.ttl");
        }
        try {
            if (value != null) {
                long seconds = Long.parseLong(value.trim());
                return seconds < 0 ? -1 : seconds * 1_000;
            }
        } catch (NumberFormatException ignored) {
            // the JVM ignores such a value too
        }
        return 30_000;
    }
}
