package io.tributary.embedded.internal;

import java.util.Arrays;
import java.util.Random;

/**
 * Random damage to a valid file, for fuzz tests of readers and the crawler: one to four of a byte
 * flipped, the file cut short, a line break or a double quote dropped in (what line and CSV readers
 * trip on), a run doubled, junk inserted, a run removed. Deterministic for a seeded {@link Random},
 * so a failing case is replayed from its seed.
 */
public final class ByteMutations {

    private ByteMutations() {}

    public static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        int n = 1 + r.nextInt(4);
        for (int m = 0; m < n && b.length > 0; m++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> b[at] = (byte) r.nextInt(256);
                case 1 -> b = Arrays.copyOf(b, at);
                case 2 -> b[at] = '\n';
                case 3 -> b[at] = '"';
                case 4 -> b = insert(b, at, Arrays.copyOfRange(b, at, at + run(b, at, r)));
                case 5 -> {
                    byte[] junk = new byte[1 + r.nextInt(32)];
                    r.nextBytes(junk);
                    b = insert(b, at, junk);
                }
                default -> {
                    int len = run(b, at, r);
                    byte[] out = new byte[b.length - len];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + len, out, at, b.length - at - len);
                    b = out;
                }
            }
        }
        return b;
    }

    /** A run of 1 to 64 bytes starting at {@code at}, within the file. */
    private static int run(byte[] b, int at, Random r) {
        return Math.min(b.length - at, 1 + r.nextInt(64));
    }

    private static byte[] insert(byte[] b, int at, byte[] part) {
        byte[] out = new byte[b.length + part.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(part, 0, out, at, part.length);
        System.arraycopy(b, at, out, at + part.length, b.length - at);
        return out;
    }
}
