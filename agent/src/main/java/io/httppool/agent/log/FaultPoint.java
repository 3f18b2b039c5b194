package io.httppool.agent.log;

/**
 * A named place inside an error guard of the agent: the first statement of every hook the library calls
 * (each {@code Apache5Hooks} method, the lease the library gets from a managed pool) and of the agent's
 * own threads (health checks, leak reclaimer), each inside the {@code try} whose {@code catch} hands the
 * error to {@link AgentErrors}.
 *
 * <p>In the shipped jar {@link #reached} does nothing: an empty static method, which the JIT inlines away.
 * The black-box tests build a second jar in which this one class is replaced by a variant that throws at
 * the places a system property names, proving that no error of the agent reaches the application
 * ({@code it-tests/src/test/faults/}). Nothing in the shipped jar can make it throw: {@code AgentJarIT}
 * checks that the shipped class is exactly this empty method.
 */
public final class FaultPoint {

    private FaultPoint() {
    }

    /** The guard of {@code place} was entered. Does nothing. */
    public static void reached(String place) {
    }
}
