package io.httppool.agent.jmx;

import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.log.AgentLog;
import io.httppool.agent.metrics.PoolHealthRegistry;
import io.httppool.agent.pool.ManagedPool;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Keeps the JMX registrations in step with the live pools: one {@link PoolMXBean} per pool, plus the
 * {@link AgentMXBean}. The MBean server is looked up on the first {@link #sync}, never at agent start:
 * creating the platform MBean server during premain can initialise java.util.logging before an application
 * server installs its own LogManager.
 */
public final class PoolMBeans {

    public static final String DOMAIN = "io.httppool.agent";

    private final Supplier<MBeanServer> serverLookup;
    private final PoolHealthRegistry healthRegistry;
    private final AgentMXBean agent;
    private final Map<String, PoolView> registered = new HashMap<>();
    private MBeanServer server;
    private boolean agentRegistered;

    public PoolMBeans(Supplier<MBeanServer> serverLookup, PoolHealthRegistry healthRegistry, AgentMXBean agent) {
        this.serverLookup = serverLookup;
        this.healthRegistry = healthRegistry;
        this.agent = agent;
    }

    /** {@code io.httppool.agent:type=Pool,name="<pool name>"}; the name is quoted, so any characters are allowed. */
    public static ObjectName poolObjectName(String poolName) {
        return objectName(DOMAIN + ":type=Pool,name=" + ObjectName.quote(poolName));
    }

    public static ObjectName agentObjectName() {
        return objectName(DOMAIN + ":type=Agent");
    }

    /** Registers the agent and every pool not registered yet; unregisters pools no longer in {@code pools}. */
    public synchronized void sync(List<ManagedPool> pools) {
        MBeanServer mbeanServer = server();
        if (!agentRegistered) {
            agentRegistered = register(mbeanServer, new StandardMBean(agent, AgentMXBean.class, true), agentObjectName());
        }
        Set<String> live = new HashSet<>();
        for (ManagedPool pool : pools) {
            try {
                String name = pool.name();
                live.add(name);
                PoolView view = registered.get(name);
                if (view != null && view.shows(pool)) {
                    continue;
                }
                if (view != null) {
                    if (!view.poolCollected()) {
                        AgentLog.warnOnce("jmx-duplicate:" + name, "Two live pools are named " + name
                                + "; only the first is shown over JMX", null);
                        continue;
                    }
                    // The pool of that name was collected and a new one took its name: show the new one.
                    unregister(mbeanServer, poolObjectName(name));
                    registered.remove(name);
                }
                PoolView newView = new PoolView(pool, healthRegistry);
                if (register(mbeanServer, new StandardMBean(newView, PoolMXBean.class, true), poolObjectName(name))) {
                    registered.put(name, newView);
                }
            } catch (Throwable error) {
                AgentErrors.record("JMX registration of a pool", error);
            }
        }
        for (Iterator<String> names = registered.keySet().iterator(); names.hasNext(); ) {
            String name = names.next();
            if (!live.contains(name)) {
                unregister(mbeanServer, poolObjectName(name));
                names.remove();
            }
        }
    }

    /** Removes every registration made here (agent shutdown, tests). */
    public synchronized void unregisterAll() {
        if (server == null) {
            return;
        }
        for (String name : registered.keySet()) {
            unregister(server, poolObjectName(name));
        }
        registered.clear();
        if (agentRegistered) {
            unregister(server, agentObjectName());
            agentRegistered = false;
        }
    }

    private MBeanServer server() {
        if (server == null) {
            server = serverLookup.get();
        }
        return server;
    }

    private static boolean register(MBeanServer server, StandardMBean mbean, ObjectName name) {
        try {
            server.registerMBean(mbean, name);
            return true;
        } catch (InstanceAlreadyExistsException taken) {
            // Another copy of the agent (or a leftover of this one) owns the name: keep out of its way.
            AgentLog.warnOnce("jmx-taken:" + name, "JMX name " + name + " is already registered; not registering it again", null);
            return false;
        } catch (JMException | RuntimeException error) {
            AgentErrors.record("JMX registration of " + name, error);
            return false;
        }
    }

    private static void unregister(MBeanServer server, ObjectName name) {
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException | RuntimeException error) {
            AgentErrors.record("JMX unregistration of " + name, error);
        }
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("Not a JMX name: " + name, e);
        }
    }
}
