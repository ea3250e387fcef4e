package io.tributary.jobs.quality;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How often each key of a uniqueness rule occurred in a window, exactly. Integer keys (the common
 * case: order ids) are counted in open-addressing arrays of primitives, without a boxed key, a
 * boxed count and a map entry per key (which on the rules' task cost more than the rest of the
 * ruleset's measures, and as much again in the collector); text keys in a map.
 */
final class KeyCounts {

    /** Receives each key (a {@code Long} or a {@code String}) with its count. */
    interface Visitor {
        void key(Object key, int count);
    }

    private static final int MIN_CAPACITY = 1 << 10;

    /** Integer keys: a slot is empty when its count is 0. */
    private long[] numbers = new long[MIN_CAPACITY];

    private int[] numberCounts = new int[MIN_CAPACITY];
    private int numberSize;
    private final Map<String, Integer> texts = new HashMap<>();

    void add(long key) {
        add(key, 1);
    }

    void add(long key, int count) {
        if (count <= 0) {
            return;
        }
        int mask = numbers.length - 1;
        int at = slot(key, mask);
        while (numberCounts[at] != 0) {
            if (numbers[at] == key) {
                numberCounts[at] += count;
                return;
            }
            at = (at + 1) & mask;
        }
        numbers[at] = key;
        numberCounts[at] = count;
        if (++numberSize * 2 > numbers.length) {
            grow();
        }
    }

    void add(String key, int count) {
        if (count <= 0) {
            return;
        }
        texts.merge(key, count, Integer::sum);
    }

    /** Adds a key as {@link #forEach} gives it. */
    void add(Object key, int count) {
        if (key instanceof Long l) {
            add(l.longValue(), count);
        } else {
            add(key.toString(), count);
        }
    }

    /** Distinct keys. */
    int size() {
        return numberSize + texts.size();
    }

    /** Keys that occurred exactly once. */
    long once() {
        long n = 0;
        for (int c : numberCounts) {
            if (c == 1) {
                n++;
            }
        }
        for (int c : texts.values()) {
            if (c == 1) {
                n++;
            }
        }
        return n;
    }

    void forEach(Visitor v) {
        for (int i = 0; i < numbers.length; i++) {
            if (numberCounts[i] != 0) {
                v.key(numbers[i], numberCounts[i]);
            }
        }
        for (Map.Entry<String, Integer> e : texts.entrySet()) {
            v.key(e.getKey(), e.getValue());
        }
    }

    /**
     * Empties it for the next window, keeping its arrays when the next window is likely to need
     * them (a window of about as many keys as this one), so a steady stream does not grow them
     * again each window.
     */
    void clear() {
        if (numberSize * 8 < numbers.length && numbers.length > MIN_CAPACITY) {
            int capacity = Math.max(MIN_CAPACITY, Integer.highestOneBit(numberSize * 4 + 1) << 1);
            numbers = new long[capacity];
            numberCounts = new int[capacity];
        } else if (numberSize > 0) {
            Arrays.fill(numberCounts, 0);
        }
        numberSize = 0;
        texts.clear();
    }

    /**
     * Writes the counts for {@link #read}: the integer keys as one block of (key, count) pairs,
     * then the text keys.
     */
    void write(java.io.DataOutputStream out) throws java.io.IOException {
        java.nio.ByteBuffer block = java.nio.ByteBuffer.allocate(numberSize * 12);
        for (int i = 0; i < numbers.length; i++) {
            if (numberCounts[i] != 0) {
                block.putLong(numbers[i]).putInt(numberCounts[i]);
            }
        }
        out.writeInt(numberSize);
        out.write(block.array());
        out.writeInt(texts.size());
        for (Map.Entry<String, Integer> e : texts.entrySet()) {
            byte[] text = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(text.length);
            out.write(text);
            out.writeInt(e.getValue());
        }
    }

    /**
     * Reads the counts {@link #write} wrote, adding them to {@code into} (null: reads past them).
     */
    static void read(java.io.DataInputStream in, KeyCounts into) throws java.io.IOException {
        byte[] block = new byte[Math.multiplyExact(in.readInt(), 12)];
        in.readFully(block);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(block);
        while (b.hasRemaining()) {
            long key = b.getLong();
            int count = b.getInt();
            if (into != null) {
                into.add(key, count);
            }
        }
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            byte[] text = new byte[in.readInt()];
            in.readFully(text);
            int count = in.readInt();
            if (into != null) {
                into.add(new String(text, java.nio.charset.StandardCharsets.UTF_8), count);
            }
        }
    }

    private void grow() {
        long[] oldKeys = numbers;
        int[] oldCounts = numberCounts;
        numbers = new long[oldKeys.length * 2];
        numberCounts = new int[oldKeys.length * 2];
        int mask = numbers.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldCounts[i] != 0) {
                int at = slot(oldKeys[i], mask);
                while (numberCounts[at] != 0) {
                    at = (at + 1) & mask;
                }
                numbers[at] = oldKeys[i];
                numberCounts[at] = oldCounts[i];
            }
        }
    }

    /** Spreads sequential ids (the usual keys) over the table. */
    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
