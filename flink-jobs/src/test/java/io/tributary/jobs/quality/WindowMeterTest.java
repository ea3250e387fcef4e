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
 * A declared window's measures outlive a restart: what a meter measured, snapshot into the job's
 * state and restored into a new meter, ends in the same verdicts as one meter that saw every
 * record.
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
                        new DoubleType()
                    },
                    new String[] {
                        QualityCheck.FAILED_RULES,
                        WindowRules.scopeColumn(0),
                        WindowRules.valueColumn(0),
                        WindowRules.scopeColumn(1),
                        WindowRules.valueColumn(1)
                    });

    private static GenericRowData row(String key, double value) {
        return GenericRowData.of(null, true, StringData.fromString(key), true, value);
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
        after.restore(state);
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
}
