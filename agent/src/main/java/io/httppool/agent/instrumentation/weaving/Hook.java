package io.httppool.agent.instrumentation.weaving;

import java.util.ArrayList;
import java.util.List;

/**
 * What the agent inserts into one method of a library class: calls at entry, and calls before it returns.
 * Each call goes to a static helper method that never throws for the agent's own errors (it catches them
 * and answers "do what the library would have done"), so the inserted code needs no exception handling of
 * its own. The one exception: {@link #onExitAlways}, which also runs when the method throws and rethrows
 * that exception unchanged.
 *
 * <p>Methods are matched by exact name and descriptor: a library version whose method has another shape
 * is not woven at all (the version check refuses it first, see {@code ReferenceCheck}).
 */
public final class Hook {

    /** What the code at entry does with the helper's answer. */
    public enum EnterAction {
        /** The helper returns void. */
        CALL,
        /** The helper returns a reference; when not null, the method returns it (unboxed for primitives) at once. */
        RETURN_IF_NOT_NULL,
        /** The hooked method returns void; the helper returns a boolean; when true, the method returns at once. */
        SKIP_IF_TRUE,
        /** The helper's answer replaces argument {@link Enter#argument()} for the rest of the method. */
        REPLACE_ARGUMENT
    }

    /** What the code before each return does. */
    public enum ExitAction {
        /** The helper returns void; called on normal returns only. */
        CALL,
        /** The helper takes the returned value first and returns the value to return instead. */
        REPLACE_RETURN,
        /** The helper returns void and takes the Throwable thrown (null on a normal return) first; runs on both. */
        CALL_ALWAYS
    }

    public record Enter(Call call, EnterAction action, int argument) {
    }

    public record Exit(Call call, ExitAction action) {
    }

    private final String type;
    private final String method;
    private final String descriptor;
    private final List<Enter> enters = new ArrayList<>();
    private final List<Exit> exits = new ArrayList<>();
    private boolean optional;

    private Hook(String type, String method, String descriptor) {
        this.type = type;
        this.method = method;
        this.descriptor = descriptor;
    }

    /**
     * @param type       internal name of the hooked class, e.g. {@code org/apache/hc/.../PoolingHttpClientConnectionManager}
     * @param method     method name ({@code <init>} for a constructor: exit calls only, not {@code onExitAlways})
     * @param descriptor exact JVM descriptor
     */
    public static Hook on(String type, String method, String descriptor) {
        return new Hook(type, method, descriptor);
    }

    /**
     * A hook whose method some supported versions lack (a setter added later, say): its absence does not
     * make the version check refuse the library. Only for hooks the others do not depend on.
     */
    public Hook optional() {
        this.optional = true;
        return this;
    }

    public boolean isOptional() {
        return optional;
    }

    public Hook onEnter(Call call) {
        return enter(call, EnterAction.CALL, -1);
    }

    public Hook onEnterReturnIfNotNull(Call call) {
        return enter(call, EnterAction.RETURN_IF_NOT_NULL, -1);
    }

    public Hook onEnterSkipIfTrue(Call call) {
        return enter(call, EnterAction.SKIP_IF_TRUE, -1);
    }

    public Hook onEnterReplaceArgument(int argument, Call call) {
        return enter(call, EnterAction.REPLACE_ARGUMENT, argument);
    }

    public Hook onExit(Call call) {
        return exit(call, ExitAction.CALL);
    }

    public Hook onExitReplaceReturn(Call call) {
        return exit(call, ExitAction.REPLACE_RETURN);
    }

    public Hook onExitAlways(Call call) {
        return exit(call, ExitAction.CALL_ALWAYS);
    }

    private Hook enter(Call call, EnterAction action, int argument) {
        enters.add(new Enter(call, action, argument));
        return this;
    }

    private Hook exit(Call call, ExitAction action) {
        exits.add(new Exit(call, action));
        return this;
    }

    public String type() {
        return type;
    }

    public String method() {
        return method;
    }

    public String descriptor() {
        return descriptor;
    }

    public List<Enter> enters() {
        return List.copyOf(enters);
    }

    public List<Exit> exits() {
        return List.copyOf(exits);
    }

    /** {@code type.method descriptor}, for log lines. */
    public String describe() {
        return type.replace('/', '.') + "." + method + descriptor;
    }

    @Override
    public String toString() {
        return describe();
    }
}
