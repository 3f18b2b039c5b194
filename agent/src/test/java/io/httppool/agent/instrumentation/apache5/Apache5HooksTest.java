package io.httppool.agent.instrumentation.apache5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.instrumentation.HookGuards;
import io.httppool.agent.log.AgentErrors;
import io.httppool.agent.pool.CurrentRequest;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;

/**
 * The woven code calls {@link Apache5Hooks} only, and nothing it does may reach the application: each hook
 * (but the {@code redirect...} ones, whose agent part guards itself in {@link Apache5Pools}) is one guard
 * whose first statement is the fault point named after the hook, so the black-box fault-injection test
 * ({@code FaultInjectionIT}) reaches every hook.
 */
class Apache5HooksTest {

    @Test
    void everyHookStartsWithItsFaultPointInsideACatchAll() throws IOException {
        Map<String, HookGuards.Shape> shapes = HookGuards.shapes(Apache5Hooks.class);
        List<String> problems = new ArrayList<>();
        for (Method hook : HookGuards.hooks(Apache5Hooks.class)) {
            if (hook.getName().startsWith("redirect")) {
                continue;
            }
            HookGuards.Shape shape = shapes.get(hook.getName());
            HookGuards.Shape expected = new HookGuards.Shape(hook.getName(), HookGuards.FAULT_POINT + ".reached", true);
            if (!expected.equals(shape)) {
                problems.add(hook.getName() + ": " + shape);
            }
        }
        assertTrue(problems.isEmpty(), "hooks not of the form try { FaultPoint.reached(\"<name>\"); ... } catch (Throwable):\n"
                + String.join("\n", problems));
        assertTrue(shapes.size() >= 20, "every hook was read: " + shapes.keySet());
    }

    @Test
    void onlyMethodsTheLibraryWouldNotRetryAreValidatedBeforeUse() {
        for (String idempotent : List.of("GET", "get", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE")) {
            assertEquals(false, Apache5Hooks.nonIdempotent(new BasicClassicHttpRequest(idempotent, "/")), idempotent);
        }
        for (String notIdempotent : List.of("POST", "PATCH", "CONNECT", "post")) {
            assertEquals(true, Apache5Hooks.nonIdempotent(new BasicClassicHttpRequest(notIdempotent, "/")), notIdempotent);
        }
    }

    @Test
    void aStartThatFailsStillLeavesTheEnclosingRequestToItsOwnEnd() {
        Object outer = new Object();
        ClassicHttpRequest unreadable = new BasicClassicHttpRequest("GET", "/") {
            @Override
            public String getMethod() {
                throw new IllegalStateException("a request the hook cannot read");
            }
        };
        CurrentRequest.clientStarting(outer, false);
        try {
            Apache5Hooks.exchangeStarting(new Object(), unreadable);
            Apache5Hooks.exchangeEnded(null);
            assertSame(outer, CurrentRequest.currentClient(), "the nested request's end popped the enclosing request");
            Apache5Hooks.connectStarting(unreadable);
            Apache5Hooks.exchangeEnded(null);
            assertSame(outer, CurrentRequest.currentClient(), "the failed hop's end popped the enclosing request");
        } finally {
            while (CurrentRequest.current() != null) {
                CurrentRequest.ended();
            }
        }
    }

    @Test
    void everyHookGivenNothingButNullsAnswersLikeTheLibraryAndThrowsNothing() throws Exception {
        long errorsBefore = AgentErrors.suppressedCount();
        Map<String, Object> answers = new LinkedHashMap<>();
        try {
            for (Method hook : HookGuards.hooks(Apache5Hooks.class)) {
                Object[] args = new Object[hook.getParameterCount()];
                for (int i = 0; i < args.length; i++) {
                    Class<?> type = hook.getParameterTypes()[i];
                    args[i] = type == boolean.class ? Boolean.TRUE
                            : type == Timeout.class ? Timeout.ofSeconds(7)
                            : type == TimeValue.class ? TimeValue.ofSeconds(9)
                            : type == String.class && hook.getName().equals("rememberSoftwareInfo") && i == 0 ? "info" : null;
                }
                answers.put(hook.getName(), hook.invoke(null, args)); // an exception here fails the test
            }
        } finally {
            Apache5Pools.clientBuildEnded(); // clientBuildStarting(null) may have marked this thread
        }
        assertNull(answers.get("sharedManager"), "the library builds its own manager");
        assertEquals(Boolean.TRUE, answers.get("ignoresClose"), "in doubt a manager the agent may share stays open");
        assertEquals(Timeout.ofSeconds(7), answers.get("leaseTimeout"), "the application's timeout stands");
        assertNull(answers.get("managedLease"), "the library's own lease");
        assertEquals(TimeValue.ofSeconds(9), answers.get("keepAliveOnRelease"));
        assertEquals(Boolean.FALSE, answers.get("redirectRelease"), "the library releases on the manager it was called on");
        assertEquals(Boolean.FALSE, answers.get("redirectConnect"));
        assertEquals(Boolean.FALSE, answers.get("redirectUpgrade"));
        assertEquals("info", answers.get("rememberSoftwareInfo"));
        assertEquals(Boolean.TRUE, answers.get("rememberBrotliProbe"));
        assertTrue(AgentErrors.suppressedCount() > errorsBefore, "the null arguments did fail inside the agent");
    }
}
