package io.tributary.jobs.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A uniqueness rule's key counts are exact: the primitive table counts what a map of boxed keys
 * counts, through growth, windows cleared and shares written and read back.
 */
class KeyCountsTest {

    @Test
    void countsEveryKeyAsAMapWould() throws Exception {
        Random random = new Random(7);
        KeyCounts counts = new KeyCounts();
        for (int window = 0; window < 3; window++) {
            Map<Object, Integer> expected = new HashMap<>();
            // sequential ids (the usual keys), repeats, negatives, the extremes, and text keys
            int n = window == 1 ? 50 : 300_000;
            for (int i = 0; i < n; i++) {
                long key =
                        switch (i % 4) {
                            case 0 -> i;
                            case 1 -> random.nextInt(1000) - 500;
                            case 2 -> (long) i << 32;
                            default -> i % 3 == 0 ? Long.MIN_VALUE : Long.MAX_VALUE - i;
                        };
                counts.add(key);
                expected.merge(key, 1, Integer::sum);
                if (i % 1000 == 0) {
                    counts.add("k" + (i % 7000), 1);
                    expected.merge("k" + (i % 7000), 1, Integer::sum);
                }
            }
            Map<Object, Integer> seen = new HashMap<>();
            counts.forEach((k, c) -> seen.put(k, c));
            assertThat(seen).isEqualTo(expected);
            assertThat(counts.size()).isEqualTo(expected.size());
            assertThat(counts.once())
                    .isEqualTo(expected.values().stream().filter(c -> c == 1).count());

            // a share written and read into another window's counts adds up
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            counts.write(new DataOutputStream(bytes));
            KeyCounts other = new KeyCounts();
            other.add(0L, 2);
            other.add("k0", 1);
            KeyCounts.read(
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), other);
            expected.merge(0L, 2, Integer::sum);
            expected.merge("k0", 1, Integer::sum);
            Map<Object, Integer> merged = new HashMap<>();
            other.forEach((k, c) -> merged.put(k, c));
            assertThat(merged).isEqualTo(expected);

            counts.clear();
            assertThat(counts.size()).isZero();
            assertThat(counts.once()).isZero();
        }
    }
}
