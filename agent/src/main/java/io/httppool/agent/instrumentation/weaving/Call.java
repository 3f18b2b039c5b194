package io.httppool.agent.instrumentation.weaving;

import java.util.List;

/**
 * A static call the weaver inserts: {@code owner.name(values...)} with the JVM descriptor {@code descriptor}.
 * The owner is a helper class defined in the instrumented class's own loader, so the call links like any
 * call the library makes to its own classes.
 *
 * @param owner      internal name of the helper class, e.g. {@code io/httppool/agent/.../Apache5Hooks}
 * @param name       the helper method
 * @param descriptor its descriptor; its parameters must match {@code values} one to one
 */
public record Call(String owner, String name, String descriptor, List<Value> values) {

    public Call {
        values = List.copyOf(values);
    }

    public static Call to(String owner, String name, String descriptor, Value... values) {
        return new Call(owner, name, descriptor, List.of(values));
    }
}
