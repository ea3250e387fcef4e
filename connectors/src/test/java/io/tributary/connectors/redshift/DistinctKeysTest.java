package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.connectors.redshift.internal.DistinctKeys;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;
import org.junit.jupiter.api.Test;

/**
 * The writer's proof that a checkpoint's keys came once each: a repeated key is always seen (the
 * commit then ranks each key's latest change), distinct keys are seen distinct, and keys whose
 * equality the warehouse could judge otherwise are never claimed distinct.
 */
class DistinctKeysTest {

    @Test
    void aRepeatedCompositeKeyIsSeenAmongAMillionDistinctOnes() {
        DistinctKeys keys =
                new DistinctKeys(
                        new int[] {0, 2},
                        List.of(new BigIntType(), new VarCharType(VarCharType.MAX_LENGTH)));
        for (long i = 0; i < 1_000_000; i++) {
            keys.add(
                    GenericRowData.of(
                            i, StringData.fromString("v"), StringData.fromString("k" + (i % 7))));
        }
        assertThat(keys.distinct()).isTrue();
        // same key columns, another value column: a repeat
        keys.add(
                GenericRowData.of(
                        123_456L,
                        StringData.fromString("w"),
                        StringData.fromString("k" + (123_456 % 7))));
        assertThat(keys.distinct()).isFalse();
        keys.reset();
        assertThat(keys.distinct()).isTrue();
        keys.add(GenericRowData.of(1L, null, StringData.fromString("a")));
        keys.add(GenericRowData.of(1L, null, StringData.fromString("b")));
        assertThat(keys.distinct()).isTrue();
    }

    @Test
    void randomKeysWithRepeatsAreCaughtEveryTime() {
        Random random = new Random(7);
        DecimalType money = new DecimalType(30, 4);
        TimestampType ts = new TimestampType(6);
        for (int round = 0; round < 50; round++) {
            DistinctKeys keys = new DistinctKeys(new int[] {0, 1}, List.of(money, ts));
            int n = 1 + random.nextInt(5_000);
            GenericRowData[] rows = new GenericRowData[n];
            for (int i = 0; i < n; i++) {
                rows[i] =
                        GenericRowData.of(
                                DecimalData.fromBigDecimal(
                                        new BigDecimal(random.nextLong()).movePointLeft(4), 30, 4),
                                TimestampData.fromLocalDateTime(
                                        LocalDateTime.of(2026, 1, 1, 0, 0)
                                                .plusNanos(1000L * random.nextInt(1 << 30))));
                keys.add(rows[i]);
            }
            assertThat(keys.distinct()).as("round %d", round).isTrue();
            // a copy of any row, built again from its values
            GenericRowData again = rows[random.nextInt(n)];
            keys.add(
                    GenericRowData.of(
                            DecimalData.fromBigDecimal(
                                    again.getDecimal(0, 30, 4).toBigDecimal(), 30, 4),
                            TimestampData.fromLocalDateTime(
                                    again.getTimestamp(1, 6).toLocalDateTime())));
            assertThat(keys.distinct()).as("round %d", round).isFalse();
        }
    }

    @Test
    void keysTheWarehouseComparesOtherwiseAreNeverClaimedDistinct() {
        // 0.0 and -0.0 differ in bits, not to PostgreSQL; nanoseconds round to microseconds there
        for (var type : List.of(new DoubleType(), new TimestampType(9))) {
            DistinctKeys keys = new DistinctKeys(new int[] {0}, List.of(type));
            assertThat(keys.distinct()).isFalse();
        }
        assertThat(new DistinctKeys(new int[0], List.of()).distinct()).isFalse();
    }
}
