package io.httppool.agent.instrumentation.weaving;

/**
 * Rebuilds a woven class file from the original and a patch: a list of "copy these bytes of the original"
 * and "add these bytes" steps. A patch holds only what weaving inserted (the hooks' instructions, their
 * constants, the new method lengths) and offsets into the original, so the agent ships none of a
 * library's own code.
 *
 * <p>Format: a sequence of steps, each a tag byte then unsigned LEB128 numbers: {@value #COPY} offset
 * length (bytes of the original), or {@value #ADD} length followed by that many bytes.
 */
public final class ClassFilePatch {

    public static final int COPY = 'c';
    public static final int ADD = 'a';

    private ClassFilePatch() {
    }

    /**
     * The patched class file, {@code length} bytes long.
     *
     * @throws IllegalArgumentException when the patch does not fit the original or the length (a patch for
     *                                  another class file, or a damaged one)
     */
    public static byte[] apply(byte[] original, byte[] patch, int length) {
        byte[] out = new byte[length];
        int written = 0;
        int[] at = {0};
        while (at[0] < patch.length) {
            int tag = patch[at[0]++];
            if (tag == COPY) {
                int offset = number(patch, at);
                int count = number(patch, at);
                checkRange(offset, count, original.length, "copy beyond the original");
                checkRange(written, count, length, "patch longer than its result");
                System.arraycopy(original, offset, out, written, count);
                written += count;
            } else if (tag == ADD) {
                int count = number(patch, at);
                checkRange(at[0], count, patch.length, "added bytes beyond the patch");
                checkRange(written, count, length, "patch longer than its result");
                System.arraycopy(patch, at[0], out, written, count);
                at[0] += count;
                written += count;
            } else {
                throw new IllegalArgumentException("unknown patch step " + tag + " at " + (at[0] - 1));
            }
        }
        if (written != length) {
            throw new IllegalArgumentException("patch makes " + written + " bytes, not " + length);
        }
        return out;
    }

    /** Reads an unsigned LEB128 number at {@code at[0]} and moves past it. */
    private static int number(byte[] patch, int[] at) {
        int value = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            if (at[0] >= patch.length) {
                throw new IllegalArgumentException("patch ends inside a number");
            }
            int b = patch[at[0]++];
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("number too long in patch");
    }

    private static void checkRange(int start, int count, int limit, String what) {
        if (count < 0 || start < 0 || start > limit - count) {
            throw new IllegalArgumentException(what);
        }
    }
}
