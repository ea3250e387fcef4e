package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.connectors.redshift.internal.SinkSpec;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.Test;

/**
 * What the sink refuses when the job is built: a freshness column that is not a timestamp, names
 * the warehouse would truncate.
 */
class SinkSpecTest {

    private static final RowType ROW =
            (RowType)
                    DataTypes.ROW(
                                    DataTypes.FIELD("order_id", DataTypes.BIGINT().notNull()),
                                    DataTypes.FIELD("ordered_at", DataTypes.TIMESTAMP(3)),
                                    DataTypes.FIELD("paid_at", DataTypes.TIMESTAMP_LTZ(6)),
                                    DataTypes.FIELD("product", DataTypes.STRING()))
                            .notNull()
                            .getLogicalType();

    private static SinkSpec spec(String column) {
        Configuration o = new Configuration();
        o.setString("url", "jdbc:postgresql://127.0.0.1:5432/wh");
        o.setString("table-name", "sales");
        if (column != null) {
            o.setString("sink.freshness-column", column);
        }
        return new SinkSpec(o, ROW, List.of("order_id"));
    }

    @Test
    void aTimestampColumnIsTheEventTime() {
        assertThat(spec("ordered_at").freshnessColumn()).isEqualTo(1);
        assertThat(spec("paid_at").freshnessColumn()).isEqualTo(2);
        assertThat(spec(null).freshnessColumn()).isEqualTo(-1);
    }

    @Test
    void aNameThePostgresWarehouseWouldTruncateIsRefusedBeforeAnythingRuns() {
        String longName = "c".repeat(200);
        RowType row =
                (RowType)
                        DataTypes.ROW(
                                        DataTypes.FIELD("id", DataTypes.INT().notNull()),
                                        DataTypes.FIELD(longName, DataTypes.STRING()))
                                .notNull()
                                .getLogicalType();
        Configuration o = new Configuration();
        o.setString("url", "jdbc:postgresql://127.0.0.1:5432/wh");
        o.setString("table-name", "events");
        assertThatThrownBy(() -> new SinkSpec(o, row, List.of("id")))
                .hasMessageContaining("is 200 bytes; postgres allows 63")
                .hasMessageContaining("Rename it in the pipeline");
        o.setString("table-name", "t".repeat(64));
        assertThatThrownBy(() -> new SinkSpec(o, ROW, List.of("order_id")))
                .hasMessageContaining("is 64 bytes");
    }

    @Test
    void anUnknownOrNonTimestampColumnIsRefusedByName() {
        assertThatThrownBy(() -> spec("shipped_at"))
                .hasMessageContaining("'shipped_at', which is not a column of the sink");
        assertThatThrownBy(() -> spec("product"))
                .hasMessageContaining("'product' of type STRING")
                .hasMessageContaining("TIMESTAMP or TIMESTAMP_LTZ");
    }
}
