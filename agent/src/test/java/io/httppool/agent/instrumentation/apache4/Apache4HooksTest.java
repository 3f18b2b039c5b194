package io.httppool.agent.instrumentation.apache4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.httppool.agent.instrumentation.HookGuards;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * As for HttpClient 5: the woven code calls {@link Apache4Hooks} only, each hook (but the
 * {@code redirect...} ones) is one guard whose first statement is the fault point {@code apache4.<hook>},
 * and given nothing but nulls every hook answers as the library would and throws nothing.
 */
class Apache4HooksTest {

    @Test
    void everyHookStartsWithItsFaultPointInsideACatchAll() throws IOException {
        Map<String, HookGuards.Shape> shapes = HookGuards.shapes(Apache4Hooks.class);
        List<String> problems = new ArrayList<>();
        for (Method hook : HookGuards.hooks(Apache4Hooks.class)) {
            if (hook.getName().startsWith("redirect")) {
                continue;
            }
            HookGuards.Shape shape = shapes.get(hook.getName());
            HookGuards.Shape expected = new HookGuards.Shape("apache4." + hook.getName(), HookGuards.FAULT_POINT + ".reached", true);
            if (!expected.equals(shape)) {
                problems.add(hook.getName() + ": " + shape);
            }
        }
        assertTrue(problems.isEmpty(), "hooks not of the form try { FaultPoint.reached(\"apache4.<name>\"); ... } catch (Throwable):\n"
                + String.join("\n", problems));
        assertTrue(shapes.size() >= 15, "every hook was read: " + shapes.keySet());
    }

    @Test
    void everyHookGivenNothingButNullsAnswersLikeTheLibraryAndThrowsNothing() throws Exception {
        Map<String, Object> answers = new LinkedHashMap<>();
        try {
            for (Method hook : HookGuards.hooks(Apache4Hooks.class)) {
                if (hook.getName().startsWith("redirect")) {
                    continue; // they throw what the library throws
                }
                Object[] args = new Object[hook.getParameterCount()];
                for (int i = 0; i < args.length; i++) {
                    Class<?> type = hook.getParameterTypes()[i];
                    args[i] = type == int.class ? 7 : type == long.class ? 9L
                            : type == String.class && hook.getName().equals("rememberUserAgent") && i == 0 ? "agent" : null;
                }
                answers.put(hook.getName(), hook.invoke(null, args)); // an exception here fails the test
            }
        } finally {
            Apache4Pools.clientBuildEnded(); // a build started with a null builder
        }
        assertEquals(Boolean.TRUE, answers.get("ignoresShutdown"), "in doubt a manager the agent may share stays open");
        assertNull(answers.get("managedRequest"), "the library's own request");
        assertEquals(Boolean.FALSE, answers.get("managedRelease"), "the library releases it");
        assertEquals(7, answers.get("connectTimeout"), "the requested timeout stands");
        assertEquals("agent", answers.get("rememberUserAgent"));
    }
}
