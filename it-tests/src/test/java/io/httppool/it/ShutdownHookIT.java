package io.httppool.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.httppool.it.apps.InteractiveApp;
import io.httppool.it.harness.AgentLog;
import io.httppool.it.harness.CountingForwarder;
import io.httppool.it.harness.JvmRunner;
import io.httppool.it.harness.Upstream;
import io.httppool.it.harness.UpstreamTest;

/**
 * README "Shutdown": at JVM exit the agent's shutdown hook lets requests in flight finish (up to 5 s for all
 * pools). The app starts a 3 s request on a daemon thread (InteractiveApp's {@code BGPRINT}, which prints
 * {@code BGDONE ...} once the body is read, before the connection goes back to the pool), waits until the
 * server has it, then main returns (QUIT). Without the agent the JVM exits at once and the request never
 * completes (no BGDONE: the control, the request really was in flight at exit); with it, the request
 * completes and its BGDONE line comes out before the JVM exits, within the 5 s bound. Either way the server
 * side sees the connection closed after exit.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ShutdownHookIT extends UpstreamTest {

    /** Long enough that a JVM exiting at once is long gone before it is answered, short enough for the 5 s grace. */
    static final String SLOW = "/delay/3000";

    private record Run(JvmRunner.Interactive.Exit exit, boolean connectionClosed, int accepted, String transcript) {
        String line() {
            return "exit code " + exit.exitCode() + (exit.exited() ? "" : " (killed: did not exit)") + " " + exit.millisAfterQuit()
                    + " ms after QUIT, printed meanwhile " + exit.lines() + " and " + exit.asyncLines()
                    + "; server side: " + accepted + " connection(s) accepted, " + (connectionClosed ? "closed after exit" : "STILL OPEN");
        }
    }

    @Test
    void aRequestInFlightAtExitFinishesWithTheAgentAndIsCutOffWithout() {
        Run without = run(false);
        Run with = run(true);
        String report = "without agent: " + without.line() + "\nwith agent:    " + with.line();
        System.out.println("request in flight at exit\n" + report);

        for (Run r : List.of(without, with)) {
            assertTrue(r.exit.exited() && r.exit.exitCode() == 0, "the app exits normally after QUIT\n" + report + "\n" + r.transcript);
            assertTrue(r.exit.lines().contains("BYE"), "main returned\n" + report + "\n" + r.transcript);
            assertTrue(r.connectionClosed, "the server side sees the connection closed after exit\n" + report + "\n" + r.transcript);
        }
        assertEquals(List.of(), without.exit.asyncLines(), "control: without the agent the JVM exits at once, the request in"
                + " flight never completes\n" + report + "\n" + without.transcript);
        assertEquals(List.of("BGDONE r1 OK 200 slept+3000"), with.exit.asyncLines(), "with the agent the request in flight at exit"
                + " completes before the JVM halts\n" + report + "\n" + with.transcript);
        assertTrue(with.exit.millisAfterQuit() < 5000 + 10_000, "the shutdown hook waits at most 5 s (plus slack for a busy"
                + " machine)\n" + report);
    }

    /**
     * The same when the request in flight runs on a pool replaced meanwhile (JMX recreate(): "requests in flight
     * finish on the old one"): the shutdown hook must give it the same grace.
     *
     * <p>Red when {@code Apache5ManagedPool.shutdown} waits only while the current manager has leases: the JVM then
     * exits within about 0.1 s of QUIT and the request never completes.
     */
    @Test
    void aRequestInFlightOnAReplacedPoolAtExitFinishesToo() {
        CountingForwarder counter = upstream.newCounter(false);
        String base = Upstream.baseOf(counter, false);
        upstream.reset();
        JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).withAgent().name("exit-in-flight-replaced").start();
        JvmRunner.Interactive.Exit exit;
        try {
            assertTrue(app.send("REQ default GET " + base + "/ok").ok, app.describe());
            assertTrue(app.send("BGPRINT r1 default GET " + base + SLOW).ok, app.describe());
            assertTrue(ExhaustionIT.awaitServed(upstream, SLOW, 1, 10_000), "premise: the slow request is at the server\n" + app.describe());
            String mbean = io.httppool.it.harness.AgentMBeans.pool("apache5/default");
            assertEquals("apache5/default", io.httppool.it.harness.AgentMBeans.await(app, mbean, "Name", Duration.ofSeconds(10)),
                    "the pool's MBean is registered\n" + app.describe());
            JvmRunner.Outcome recreated = app.send("JMXOP " + mbean + " recreate");
            assertTrue(recreated.ok, recreated + "\n" + app.describe());
            exit = app.quit(Duration.ofSeconds(30));
        } catch (RuntimeException | AssertionError failed) {
            app.close();
            throw failed;
        }
        String report = "exit code " + exit.exitCode() + " " + exit.millisAfterQuit() + " ms after QUIT, printed " + exit.lines()
                + " and " + exit.asyncLines() + "\n" + app.describe();
        System.out.println("request in flight on a replaced pool at exit\n" + report);
        assertTrue(exit.exited() && exit.exitCode() == 0, report);
        assertEquals(List.of("BGDONE r1 OK 200 slept+3000"), exit.asyncLines(), "the request in flight on the replaced pool"
                + " completes before the JVM halts\n" + report);
    }

    private Run run(boolean agent) {
        CountingForwarder counter = upstream.newCounter(false);
        String base = Upstream.baseOf(counter, false);
        upstream.reset();
        JvmRunner.Interactive app = JvmRunner.app(InteractiveApp.class).agent(agent).name("exit-in-flight").start();
        try {
            assertTrue(app.send("REQ default GET " + base + "/ok").ok, app.describe()); // classes loaded, pool made
            JvmRunner.Outcome started = app.send("BGPRINT r1 default GET " + base + SLOW);
            assertTrue(started.ok, started + "\n" + app.describe());
            assertTrue(ExhaustionIT.awaitServed(upstream, SLOW, 1, 10_000), "premise: the slow request is at the server\n" + app.describe());
            if (agent) {
                AgentLog.assertPoolingOn(app.stderr(), app.describe());
            }
            JvmRunner.Interactive.Exit exit = app.quit(Duration.ofSeconds(30));
            boolean closed = counter.awaitNoneOpen(5000);
            return new Run(exit, closed, counter.accepted(), app.describe());
        } catch (RuntimeException | AssertionError failed) {
            app.close();
            throw failed;
        }
    }
}
