package io.httppool.agent.instrumentation.weaving;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A checksum of everything in a list of hooks that shapes the woven bytes (methods, actions, calls and their
 * values), and of the weaver's own output format ({@link #WEAVER_FORMAT}). The prewoven classes are listed
 * with the fingerprint of the hooks they were woven with, so a jar whose hooks changed without the list
 * being written again (a build that skipped {@code PrewovenTest}) weaves at run time instead of patching
 * with stale bytes. Built by hand, not from the records' {@code toString}: that is bootstrapped through
 * invokedynamic, milliseconds on the first request.
 */
public final class HookFingerprint {

    /**
     * Raise when a change to {@link HookWeaver} or {@link HookedMethod} changes the bytes it makes for the same
     * hooks: every listed patch is then stale ({@code PrewovenTest} fails until the list is written again).
     */
    static final int WEAVER_FORMAT = 1;

    private HookFingerprint() {
    }

    public static long of(List<Hook> hooks) {
        StringBuilder text = new StringBuilder(256).append(WEAVER_FORMAT);
        for (Hook hook : hooks) {
            text.append('|').append(hook.type()).append('.').append(hook.method()).append(hook.descriptor())
                    .append(hook.isOptional() ? "?" : "");
            for (Hook.Enter enter : hook.enters()) {
                text.append(" enter ").append(enter.action().name()).append(' ').append(enter.argument());
                append(text, enter.call());
            }
            for (Hook.Exit exit : hook.exits()) {
                text.append(" exit ").append(exit.action().name());
                append(text, exit.call());
            }
        }
        CRC32 crc = new CRC32();
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        crc.update(bytes, 0, bytes.length);
        return crc.getValue();
    }

    private static void append(StringBuilder text, Call call) {
        text.append(' ').append(call.owner()).append('.').append(call.name()).append(call.descriptor())
                .append(call.reflective() ? " reflective" : "").append(" (");
        for (Value value : call.values()) {
            if (value instanceof Value.Arg arg) {
                text.append("arg").append(arg.index());
            } else if (value instanceof Value.Field field) {
                text.append("field ").append(field.name()).append(' ').append(field.descriptor());
            } else {
                text.append(value.getClass().getSimpleName());
            }
            text.append(',');
        }
        text.append(')');
    }
}
