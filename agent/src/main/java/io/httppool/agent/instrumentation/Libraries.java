package io.httppool.agent.instrumentation;

import io.httppool.agent.config.AgentConfig;
import io.httppool.agent.instrumentation.apache4.Apache4Instrumentation;
import io.httppool.agent.instrumentation.apache5.Apache5Instrumentation;
import io.httppool.agent.instrumentation.apache5async.Apache5AsyncInstrumentation;
import io.httppool.agent.instrumentation.jdkhttp.JdkHttpInstrumentation;
import io.httppool.agent.instrumentation.okhttp.OkHttpInstrumentation;
import java.util.ArrayList;
import java.util.List;

/** Every library the agent knows how to pool: the one place a new library is added. */
public final class Libraries {

    private Libraries() {
    }

    public static List<LibraryInstrumentation> all() {
        return List.of(new Apache5Instrumentation(), new Apache5AsyncInstrumentation(), new JdkHttpInstrumentation(),
                new OkHttpInstrumentation(), new Apache4Instrumentation());
    }

    /** The libraries the operator left switched on. */
    public static List<LibraryInstrumentation> enabled(AgentConfig config) {
        List<LibraryInstrumentation> enabled = new ArrayList<>();
        for (LibraryInstrumentation library : all()) {
            if (library.enabled(config)) {
                enabled.add(library);
            }
        }
        return enabled;
    }
}
