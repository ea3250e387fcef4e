package io.tributary.jobs.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.junit.jupiter.api.Test;

/**
 * A window's measures add up: what a meter measured, snapshot into the job's state and merged into
 * a new meter (a declared window across a restart), or the shares of several subtasks merged by the
 * one writer, end in the same verdicts as one meter that saw every record.
 */
class WindowMeterTest {

    private static final List<DqRule> RULES =
            Dqdl.parse(
                    "Rules = [ Uniqueness \"k\" > 0.5 over 1 hour, Mean \"v\" < 5 over 1 hour,"
                            + " RowCount > 3 ]");

    private static final RowType TYPE =
            RowType.of(
                    new org.apache.flink.table.types.logical.LogicalType[] {
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new BooleanType(),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new BooleanType(),
                        new DoubleType(),
                        new BooleanType()
                    },
                    new String[] {
                        QualityCheck.FAILED_RULES,
                        WindowRules.scopeColumn(0),
                        WindowRules.valueColumn(0),
                        WindowRules.scopeColumn(1),
                        WindowRules.valueColumn(1),
                        WindowRules.scopeColumn(2)
                    });

    private static GenericRowData row(String key, double value) {
        return GenericRowData.of(null, true, StringData.fromString(key), true, value, true);
    }

    @Test
    void aSnapshotRestoredCarriesTheWindowOn() throws Exception {
        List<GenericRowData> rows =
                List.of(row("a", 1), row("b", 2), row("a", 9), row("c", 4), row("d", 1.5));
        WindowMeter whole = new WindowMeter(RULES, TYPE, r -> r.over() != null);
        rows.forEach(whole::add);

        WindowMeter before = new WindowMeter(RULES, TYPE, r -> r.over() != null);
        rows.subList(0, 3).forEach(before::add);
        String state = before.snapshot();
        WindowMeter after = new WindowMeter(RULES, TYPE, r -> r.over() != null);
        after.merge(state);
        rows.subList(3, 5).forEach(after::add);

        List<WindowMeter.Verdict> expected = whole.close();
        assertThat(after.records()).isEqualTo(5);
        assertThat(after.close()).isEqualTo(expected);
        // the rules of the checkpoint's window are not this meter's
        assertThat(expected)
                .extracting(WindowMeter.Verdict::rule)
                .containsExactly(
                        "Uniqueness \"k\" > 0.5 over 1 hour", "Mean \"v\" < 5 over 1 hour");
        // keys a, b, a, c, d: b, c, d once of 5; mean 17.5 / 5
        assertThat(expected.get(0).value()).isEqualTo(3.0 / 5);
        assertThat(expected.get(1).value()).isEqualTo(3.5);
        assertThat(expected.get(1).passed()).isTrue();
    }

    @Test
    void theSubtasksSharesMergedAreTheWholeWindow() throws Exception {
        List<GenericRowData> rows =
                List.of(
                        row("a", 1),
                        row("b", 2),
                        row("a", 9),
                        row("c", 4),
                        row("d", 1.5),
                        row("c", 3),
                        row("b", 5));
        WindowMeter whole = new WindowMeter(RULES, TYPE, r -> r.over() != null);
        rows.forEach(whole::add);

        // two subtasks' meters measure every rule; the writer's meter takes the ones it has
        WindowMeter first = new WindowMeter(RULES, TYPE);
        WindowMeter second = new WindowMeter(RULES, TYPE);
        for (int i = 0; i < rows.size(); i++) {
            (i % 2 == 0 ? first : second).add(rows.get(i));
        }
        WindowMeter writer = new WindowMeter(RULES, TYPE, r -> r.over() != null);
        writer.mergeShare(first.drainShare());
        writer.mergeShare(second.drainShare());

        List<WindowMeter.Verdict> expected = whole.close();
        assertThat(writer.close()).isEqualTo(expected);
        // b was seen by both subtasks (rows 1 and 6), a and c twice by one: only d is unique
        assertThat(expected.get(0).value()).isEqualTo(1.0 / 7);
        // drained, the subtasks' next window starts empty
        assertThat(first.records()).isZero();
        WindowMeter empty = new WindowMeter(RULES, TYPE);
        empty.mergeShare(first.drainShare());
        assertThat(empty.records()).isZero();
        assertThat(empty.snapshot()).doesNotContain("\"a\"", "\"b\"");
    }

    @Test
    void aRuleWrittenTwiceCountsEachShareOnce() throws Exception {
        List<DqRule> twice = Dqdl.parse("Rules = [ RowCount > 3, RowCount > 3 ]");
        RowType type =
                RowType.of(
                        new org.apache.flink.table.types.logical.LogicalType[] {
                            new VarCharType(VarCharType.MAX_LENGTH),
                            new BooleanType(),
                            new BooleanType()
                        },
                        new String[] {
                            QualityCheck.FAILED_RULES,
                            WindowRules.scopeColumn(0),
                            WindowRules.scopeColumn(1)
                        });
        WindowMeter first = new WindowMeter(twice, type);
        WindowMeter second = new WindowMeter(twice, type);
        first.add(GenericRowData.of(null, true, true));
        first.add(GenericRowData.of(null, true, true));
        second.add(GenericRowData.of(null, true, true));
        WindowMeter writer = new WindowMeter(twice, type);
        writer.mergeShare(first.drainShare());
        writer.mergeShare(second.drainShare());
        assertThat(writer.close()).extracting(WindowMeter.Verdict::value).containsExactly(3.0, 3.0);
    }

    /**
     * Rules measured on their columns as they are (no hidden column: the translator adds none for a
     * whole column no pii action changes) give the verdicts of the hidden columns' SQL: a DECIMAL's
     * mean, a BIGINT key counted across shares as CAST(.. AS STRING) would count it, a string
     * column's completeness.
     */
    @Test
    void columnsReadAsTheyAreMeasureWhatTheirHiddenColumnsWould() throws Exception {
        List<DqRule> rules =
                Dqdl.parse(
                        "Rules = [ IsUnique \"id\", Mean \"amount\" < 5, Completeness"
                                + " \"name\" > 0.5, Uniqueness \"name\" > 0.1 over 1 hour ]");
        RowType direct =
                RowType.of(
                        new org.apache.flink.table.types.logical.LogicalType[] {
                            new org.apache.flink.table.types.logical.BigIntType(),
                            new org.apache.flink.table.types.logical.DecimalType(12, 2),
                            new VarCharType(VarCharType.MAX_LENGTH)
                        },
                        new String[] {"id", "amount", "name"});
        java.util.function.Function<Object[], GenericRowData> row =
                v ->
                        GenericRowData.of(
                                v[0],
                                v[1] == null
                                        ? null
                                        : org.apache.flink.table.data.DecimalData.fromBigDecimal(
                                                new java.math.BigDecimal((String) v[1]), 12, 2),
                                v[2] == null ? null : StringData.fromString((String) v[2]));
        List<GenericRowData> rows =
                List.of(
                        row.apply(new Object[] {1L, "1.10", "ada"}),
                        row.apply(new Object[] {2L, "2.25", null}),
                        row.apply(new Object[] {1L, null, "bob"}),
                        row.apply(new Object[] {3L, "9.99", "ada"}),
                        row.apply(new Object[] {null, "0.01", "cy"}));
        WindowMeter first = new WindowMeter(rules, direct);
        WindowMeter second = new WindowMeter(rules, direct);
        for (int i = 0; i < rows.size(); i++) {
            (i < 2 ? first : second).add(rows.get(i));
        }
        WindowMeter writer = new WindowMeter(rules, direct, r -> r.over() == null);
        writer.mergeShare(first.drainShare());
        writer.mergeShare(second.drainShare());
        List<WindowMeter.Verdict> v = writer.close();
        assertThat(v).extracting(WindowMeter.Verdict::rule).hasSize(3);
        // ids 1, 2, 1, 3 and a NULL: 2 and 3 once among 5 records (key 1 in both shares)
        assertThat(v.get(0).value()).isEqualTo(2.0 / 5);
        assertThat(v.get(0).passed()).isFalse();
        assertThat(v.get(1).value()).isCloseTo((1.10 + 2.25 + 9.99 + 0.01) / 4, within(1e-9));
        assertThat(v.get(1).passed()).isTrue();
        assertThat(v.get(2).value()).isEqualTo(4.0 / 5);

        // ids past 2^53, one apart, are two keys (a double would make them one)
        WindowMeter big = new WindowMeter(rules, direct, r -> r.over() == null);
        big.add(row.apply(new Object[] {(1L << 53), "1.00", "a"}));
        big.add(row.apply(new Object[] {(1L << 53) + 1, "1.00", "b"}));
        assertThat(big.close().get(0).value()).isEqualTo(1.0);

        // a window kept in the job's state as JSON (a declared window) counts its keys alike
        WindowMeter kept = new WindowMeter(rules, direct, r -> r.over() == null);
        rows.subList(0, 3).forEach(kept::add);
        WindowMeter restored = new WindowMeter(rules, direct, r -> r.over() == null);
        restored.merge(kept.snapshot());
        rows.subList(3, 5).forEach(restored::add);
        assertThat(restored.close()).isEqualTo(v);

        // the same rules over the hidden columns the translator adds for a masked column: equal
        RowType hidden =
                RowType.of(
                        new org.apache.flink.table.types.logical.LogicalType[] {
                            new BooleanType(),
                            new VarCharType(VarCharType.MAX_LENGTH),
                            new BooleanType(),
                            new DoubleType(),
                            new BooleanType(),
                            new BooleanType()
                        },
                        new String[] {
                            WindowRules.scopeColumn(0),
                            WindowRules.valueColumn(0),
                            WindowRules.scopeColumn(1),
                            WindowRules.valueColumn(1),
                            WindowRules.scopeColumn(2),
                            WindowRules.valueColumn(2)
                        });
        WindowMeter sql = new WindowMeter(rules, hidden, r -> r.over() == null);
        for (GenericRowData r : rows) {
            sql.add(
                    GenericRowData.of(
                            true,
                            r.isNullAt(0) ? null : StringData.fromString(r.getLong(0) + ""),
                            true,
                            r.isNullAt(1)
                                    ? null
                                    : r.getDecimal(1, 12, 2).toBigDecimal().doubleValue(),
                            true,
                            !r.isNullAt(2)));
        }
        assertThat(sql.close()).isEqualTo(v);
    }
}
