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

    private static java.util.Optional<String> staging(
            String url, String staging, String path, String checkpoints) {
        Configuration o = new Configuration();
        o.setString("url", url);
        o.setString("table-name", "sales");
        if (staging != null) {
            o.setString("sink.staging", staging);
        }
        if (path != null) {
            o.setString("sink.staging.path", path);
        }
        return new SinkSpec(o, ROW, List.of("order_id"), java.util.Optional.ofNullable(checkpoints))
                .stagingPath();
    }

    @Test
    void postgresStagesFilesUnderTheCheckpointDirectoryByDefaultAndInATableOnlyWithoutOne() {
        String pg = "jdbc:postgresql://127.0.0.1:5432/wh";
        assertThat(staging(pg, null, null, "file:///var/flink/checkpoints"))
                .contains("file:/var/flink/checkpoints/tributary-staging");
        assertThat(staging(pg, null, null, "s3://bucket/checkpoints/"))
                .contains("s3://bucket/checkpoints/tributary-staging");
        assertThat(staging(pg, null, "s3://bucket/stage", "s3://bucket/checkpoints"))
                .as("a named path wins")
                .contains("s3://bucket/stage");
        assertThat(staging(pg, null, null, null)).as("no storage: a staging table").isEmpty();
        assertThat(staging(pg, "table", null, "s3://bucket/checkpoints"))
                .as("asked for a table")
                .isEmpty();
        assertThatThrownBy(() -> staging(pg, "files", null, null))
                .hasMessageContaining("'sink.staging' = 'FILES' needs 'sink.staging.path'");
        assertThatThrownBy(() -> staging(pg, "table", "s3://bucket/stage", null))
                .hasMessageContaining("drop one of the two");
    }

    @Test
    void redshiftStagesOnlyWhereItIsTold() {
        String rs = "jdbc:redshift://example:5439/wh";
        assertThat(staging(rs, null, "s3://bucket/stage", "s3://bucket/checkpoints"))
                .contains("s3://bucket/stage");
        assertThatThrownBy(() -> staging(rs, null, null, "s3://bucket/checkpoints"))
                .hasMessageContaining("Redshift loads from S3");
        assertThatThrownBy(() -> staging(rs, "table", null, null))
                .hasMessageContaining("is for PostgreSQL");
    }
}
