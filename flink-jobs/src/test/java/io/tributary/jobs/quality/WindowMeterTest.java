package io.tributary.jobs.quality;

import static org.assertj.core.api.Assertions.assertThat;

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
        writer.merge(first.drain());
        writer.merge(second.drain());

        List<WindowMeter.Verdict> expected = whole.close();
        assertThat(writer.close()).isEqualTo(expected);
        // b was seen by both subtasks (rows 1 and 6), a and c twice by one: only d is unique
        assertThat(expected.get(0).value()).isEqualTo(1.0 / 7);
        // drained, the subtasks' next window starts empty
        assertThat(first.records()).isZero();
        assertThat(first.drain()).contains("\"records\":0");
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
        writer.merge(first.drain());
        writer.merge(second.drain());
        assertThat(writer.close()).extracting(WindowMeter.Verdict::value).containsExactly(3.0, 3.0);
    }
}
