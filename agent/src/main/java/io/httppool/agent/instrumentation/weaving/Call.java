package io.httppool.agent.instrumentation.weaving;

import java.util.List;

/**
 * A static call the weaver inserts: {@code owner.name(values...)} with the JVM descriptor {@code descriptor}.
 * The owner is a helper class defined in the instrumented class's own loader, so the call links like any
 * call the library makes to its own classes.
 *
 * <p>A reflective call ({@link #reflective}) serves classes of the JDK itself (the {@code java.net.http}
 * module), whose loaders cannot see the agent and into which the agent defines nothing: the inserted code
 * looks the agent's class up in the system class loader (where {@code -javaagent} put it) and invokes
 * {@code public static Object name(Object[] values)} on it, inside its own catch-all, so a missing or
 * failing agent means "do what the JDK does". Entry hooks only.
 *
 * @param owner      internal name of the helper class, e.g. {@code io/httppool/agent/.../Apache5Hooks}
 * @param name       the helper method
 * @param descriptor its descriptor; its parameters must match {@code values} one to one
 */
public record Call(String owner, String name, String descriptor, List<Value> values, boolean reflective) {

    public static final String REFLECTIVE_DESCRIPTOR = "([Ljava/lang/Object;)Ljava/lang/Object;";

    public Call {
        values = List.copyOf(values);
    }

    public static Call to(String owner, String name, String descriptor, Value... values) {
        return new Call(owner, name, descriptor, List.of(values), false);
    }

    /**
     * {@code owner.name(new Object[] {values...})} reached by reflection through the system class loader;
     * primitives are boxed; the answer is an Object (null: proceed).
     */
    public static Call reflective(String owner, String name, Value... values) {
        return new Call(owner, name, REFLECTIVE_DESCRIPTOR, List.of(values), true);
    }
}
