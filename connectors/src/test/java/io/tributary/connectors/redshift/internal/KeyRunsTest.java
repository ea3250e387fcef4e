package io.tributary.connectors.redshift.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.VarCharType;
import org.junit.jupiter.api.Test;

/**
 * The ranges that prove integer keys distinct: never claim distinct keys that repeat (20,000
 * sequences of rising streams, jumps, descents and repeats, checked against a set), and do prove
 * what a backfill sends: millions of rising ids, alone or as interleaved streams, past the hashes'
 * cap.
 */
class KeyRunsTest {

    @Test
    void aRepeatIsAlwaysSeen() {
        Random random = new Random(11);
        int repeated = 0;
        int proven = 0;
        for (int round = 0; round < 20_000; round++) {
            KeyRuns runs = new KeyRuns();
            Set<Long> seen = new HashSet<>();
            boolean repeat = false;
            int streams = 1 + random.nextInt(4);
            long[] next = new long[streams];
            for (int s = 0; s < streams; s++) {
                next[s] = random.nextInt(1_000_000) - 500_000L;
            }
            int n = 1 + random.nextInt(300);
            for (int i = 0; i < n; i++) {
                long k;
                int s = random.nextInt(streams);
                switch (random.nextInt(40)) {
                    case 0 -> k = seen.isEmpty() ? 0 : seen.iterator().next(); // a repeat
                    case 1 -> k = random.nextLong(); // anywhere
                    case 2 -> k = next[s] - 1 - random.nextInt(5); // a step back
                    case 3 -> k = Long.MAX_VALUE - random.nextInt(3); // the edges
                    case 4 -> k = Long.MIN_VALUE + random.nextInt(3);
                    default -> k = next[s] + random.nextInt(3); // rising, with gaps
                }
                next[s] = Math.max(next[s], k + 1);
                repeat |= !seen.add(k);
                runs.add(k);
            }
            if (repeat) {
                repeated++;
                assertThat(runs.distinct()).as("round %d", round).isFalse();
            } else if (runs.distinct()) {
                proven++;
            }
        }
        // both kinds occurred, and the ranges proved many sequences without repeats
        assertThat(repeated).isGreaterThan(5_000);
        assertThat(proven).isGreaterThan(500);
    }

    @Test
    void risingIdsPastTheHashesCapAreProvenDistinct() {
        // five million sequential order ids: five times the hashes' cap
        DistinctKeys keys = new DistinctKeys(new int[] {0}, List.of(new BigIntType()));
        for (long i = 0; i < 5_000_000; i++) {
            keys.add(GenericRowData.of(i));
        }
        assertThat(keys.distinct()).isTrue();
        keys.add(GenericRowData.of(2_500_000L));
        assertThat(keys.distinct()).isFalse();

        // two files read in parallel: their ids interleaved; then ids that fall
        keys.reset();
        for (long i = 0; i < 1_500_000; i++) {
            keys.add(GenericRowData.of(i));
            keys.add(GenericRowData.of(10_000_000 + i));
            keys.add(GenericRowData.of(-i - 1));
        }
        assertThat(keys.distinct()).isTrue();
        keys.add(GenericRowData.of(10_000_000L + 77));
        assertThat(keys.distinct()).isFalse();

        // an integer column of a composite key proves the key
        keys = new DistinctKeys(new int[] {1, 0}, List.of(new IntType(), new BigIntType()));
        for (int i = 0; i < 2_000_000; i++) {
            keys.add(GenericRowData.of((long) (i % 3), i));
        }
        assertThat(keys.distinct()).isTrue();
        keys.add(GenericRowData.of(1L, null));
        assertThat(keys.distinct()).isFalse();
    }

    @Test
    void keysTheRangesCoveredAreHashedWhenTheRangesProofEnds() {
        DistinctKeys keys =
                new DistinctKeys(
                        new int[] {0, 1},
                        List.of(new BigIntType(), new VarCharType(VarCharType.MAX_LENGTH)));
        for (long i = 0; i <= 100_000; i++) {
            keys.add(GenericRowData.of(i, StringData.fromString("a")));
        }
        // inside the range, but another key: the ranges give up, the hashes still prove it
        keys.add(GenericRowData.of(500L, StringData.fromString("b")));
        assertThat(keys.distinct()).isTrue();
        // a key the ranges had covered comes again: seen by the hashes of the waiting keys
        keys.add(GenericRowData.of(7L, StringData.fromString("a")));
        assertThat(keys.distinct()).isFalse();
        keys.reset();
        keys.add(GenericRowData.of(7L, StringData.fromString("a")));
        assertThat(keys.distinct()).isTrue();
    }
}
