package io.httppool.agent.instrumentation.weaving;

/**
 * One value a woven call passes to its helper method, in the order the helper declares its parameters.
 */
public sealed interface Value {

    /** {@code this} of the hooked method (instance methods only). */
    Value THIS = new This();
    /** The value the hooked method is returning; only at exit, and only as the first value. */
    Value RETURNED = new Returned();
    /** At an exit that also sees exceptions: the Throwable thrown, or null on a normal return; first value only. */
    Value THROWN = new Thrown();
    /** The hooked method's name, as a String constant (one helper for several hooked setters). */
    Value METHOD_NAME = new MethodName();

    /** The hooked method's argument {@code index} (0 = first declared parameter). */
    static Value arg(int index) {
        return new Arg(index);
    }

    /** An instance field of the hooked class, read from {@code this}. */
    static Value field(String name, String descriptor) {
        return new Field(name, descriptor);
    }

    record This() implements Value {
    }

    record Returned() implements Value {
    }

    record Thrown() implements Value {
    }

    record MethodName() implements Value {
    }

    record Arg(int index) implements Value {
    }

    record Field(String name, String descriptor) implements Value {
    }
}
