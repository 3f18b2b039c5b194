package io.httppool.agent.instrumentation.weaving;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Makes the {@link ClassFilePatch} from one class file to another, for the build's list of woven classes:
 * greedy copies of runs of the original (the run after the last copy first, else any run with the same
 * leading {@value #MIN_COPY} bytes), and what no run covers as added bytes.
 */
public final class PatchMaker {

    /** Shorter runs are added rather than copied: a copy step costs up to ~8 bytes. */
    static final int MIN_COPY = 8;

    private PatchMaker() {
    }

    public static byte[] between(byte[] from, byte[] to) {
        Map<Long, Integer> firstAt = new HashMap<>();
        for (int i = 0; i + MIN_COPY <= from.length; i++) {
            firstAt.putIfAbsent(window(from, i), i);
        }
        ByteArrayOutputStream patch = new ByteArrayOutputStream();
        ByteArrayOutputStream added = new ByteArrayOutputStream();
        int next = 0; // where the last copy ended in the original
        int j = 0;
        while (j < to.length) {
            int at = -1;
            int length = matchLength(from, next, to, j);
            if (length >= MIN_COPY) {
                at = next;
            } else if (j + MIN_COPY <= to.length) {
                Integer candidate = firstAt.get(window(to, j));
                if (candidate != null) {
                    length = matchLength(from, candidate, to, j);
                    at = length >= MIN_COPY ? candidate : -1;
                }
            }
            if (at < 0) {
                added.write(to[j++]);
                continue;
            }
            flushAdded(patch, added);
            patch.write(ClassFilePatch.COPY);
            number(patch, at);
            number(patch, length);
            next = at + length;
            j += length;
        }
        flushAdded(patch, added);
        return patch.toByteArray();
    }

    /** How many bytes of {@code added} a patch adds (the rest it copies from the original). */
    public static int addedBytes(byte[] patch) {
        int total = 0;
        int i = 0;
        while (i < patch.length) {
            int tag = patch[i++];
            int[] read = read(patch, i);
            i = read[1];
            if (tag == ClassFilePatch.COPY) {
                i = read(patch, i)[1];
            } else {
                total += read[0];
                i += read[0];
            }
        }
        return total;
    }

    private static void flushAdded(ByteArrayOutputStream patch, ByteArrayOutputStream added) {
        if (added.size() > 0) {
            patch.write(ClassFilePatch.ADD);
            number(patch, added.size());
            patch.writeBytes(added.toByteArray());
            added.reset();
        }
    }

    private static int matchLength(byte[] from, int i, byte[] to, int j) {
        int length = 0;
        while (i + length < from.length && j + length < to.length && from[i + length] == to[j + length]) {
            length++;
        }
        return length;
    }

    private static long window(byte[] bytes, int at) {
        long value = 0;
        for (int k = 0; k < MIN_COPY; k++) {
            value = value << 8 | (bytes[at + k] & 0xff);
        }
        return value;
    }

    private static void number(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7f) != 0) {
            out.write(value & 0x7f | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    /** The number at {@code at} and the index after it. */
    private static int[] read(byte[] patch, int at) {
        int value = 0;
        int shift = 0;
        int b;
        do {
            b = patch[at++];
            value |= (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return new int[] {value, at};
    }
}
