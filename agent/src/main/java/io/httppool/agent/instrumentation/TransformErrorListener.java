package io.httppool.agent.instrumentation;

import io.httppool.agent.log.AgentLog;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * Always on, errors only: a class the agent could not transform (an unknown library version whose
 * methods or fields differ, say) is named once in the log and then runs unchanged.
 */
public final class TransformErrorListener extends AgentBuilder.Listener.Adapter {

    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable error) {
        AgentLog.warnOnce("transform:" + typeName + "@" + System.identityHashCode(classLoader),
                "Could not instrument " + typeName + " in " + classLoader + ": " + error
                        + ". That class runs unchanged (no pooling through it).", null);
    }

    @Override
    public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module,
                                 boolean loaded, DynamicType dynamicType) {
        AgentLog.log().debug("instrumented {} in {}", typeDescription.getName(), classLoader);
    }
}
