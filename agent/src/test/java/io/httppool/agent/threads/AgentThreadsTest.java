package io.httppool.agent.threads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AgentThreadsTest {

    private final ClassLoader webApp = new URLClassLoader("web-app", new URL[0], null);

    @Test
    void anAgentThreadMadeOnAnApplicationThreadGetsTheAgentsLoaderNotTheApplications() throws Exception {
        AtomicReference<Thread> made = new AtomicReference<>();
        Thread application = new Thread(() -> made.set(AgentThreads.newDaemon(() -> { }, "agent-thread")));
        application.setContextClassLoader(webApp);
        application.start();
        application.join();
        assertSame(AgentThreads.class.getClassLoader(), made.get().getContextClassLoader());
        assertTrue(made.get().isDaemon());
        assertEquals("agent-thread", made.get().getName());
    }

    @Test
    void aFactoryNumbersItsThreadsWhenAsked() {
        assertEquals("status-1", AgentThreads.daemonFactory("status", true).newThread(() -> { }).getName());
        assertEquals("health", AgentThreads.daemonFactory("health", false).newThread(() -> { }).getName());
    }

    @Test
    void runCleanLendsTheAgentsLoaderForTheActionAndGivesTheApplicationsBack() throws Exception {
        Thread current = Thread.currentThread();
        ClassLoader before = current.getContextClassLoader();
        current.setContextClassLoader(webApp);
        try {
            Thread started = AgentThreads.runClean(() -> new Thread(() -> { }));
            assertSame(AgentThreads.class.getClassLoader(), started.getContextClassLoader(), "a thread started by the action");
            assertSame(webApp, current.getContextClassLoader(), "restored after the action");
            assertThrows(IOException.class, () -> AgentThreads.runClean(() -> {
                throw new IOException("checked, passed through as it is");
            }));
            assertSame(webApp, current.getContextClassLoader(), "restored after a failed action");
        } finally {
            current.setContextClassLoader(before);
        }
    }
}
