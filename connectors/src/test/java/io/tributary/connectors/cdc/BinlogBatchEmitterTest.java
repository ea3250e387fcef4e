package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.connectors.changes.ChangeRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.cdc.connectors.mysql.source.metrics.MySqlSourceReaderMetrics;
import org.apache.flink.cdc.connectors.mysql.source.offset.BinlogOffset;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlBinlogSplit;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlBinlogSplitState;
import org.apache.flink.cdc.connectors.mysql.source.split.SourceRecords;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Schema;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * The binlog split's position after a batch is its last change's, as Flink CDC's per-change emitter
 * leaves it (a checkpoint between batches must resume after that change, not before it), and every
 * change is emitted with its own commit time.
 */
class BinlogBatchEmitterTest {

    private static final Schema SOURCE =
            SchemaBuilder.struct()
                    .field("file", Schema.STRING_SCHEMA)
                    .field("pos", Schema.INT64_SCHEMA)
                    .field("ts_ms", Schema.INT64_SCHEMA)
                    .build();
    private static final Schema ROW = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA);
    private static final Schema ENVELOPE =
            SchemaBuilder.struct()
                    .field("before", SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA))
                    .field("after", ROW)
                    .field("source", SOURCE)
                    .field("op", Schema.STRING_SCHEMA)
                    .field("ts_ms", Schema.INT64_SCHEMA)
                    .build();

    @Test
    void aBatchLeavesTheSplitAtItsLastChangeAndEachChangeKeepsItsCommitTime() throws Exception {
        List<String> deserialized = new ArrayList<>();
        DebeziumDeserializationSchema<ChangeRecord> deserializer =
                new DebeziumDeserializationSchema<>() {
                    @Override
                    public void deserialize(SourceRecord record, Collector<ChangeRecord> out) {
                        Struct source = ((Struct) record.value()).getStruct("source");
                        deserialized.add(source.getString("file") + ":" + source.getInt64("pos"));
                        out.collect(null);
                    }

                    @Override
                    public TypeInformation<ChangeRecord> getProducedType() {
                        return TypeInformation.of(ChangeRecord.class);
                    }
                };
        BinlogBatchEmitter emitter =
                new BinlogBatchEmitter(
                        deserializer,
                        new MySqlSourceReaderMetrics(
                                UnregisteredMetricsGroup.createSourceReaderMetricGroup()),
                        false,
                        () -> {});
        MySqlBinlogSplitState state =
                new MySqlBinlogSplitState(
                        new MySqlBinlogSplit(
                                "binlog-split",
                                BinlogOffset.ofBinlogFilePosition("mysql-bin.000001", 4),
                                BinlogOffset.ofNonStopping(),
                                List.of(),
                                Map.of(),
                                0));
        Timestamps output = new Timestamps();

        emitter.emitRecord(
                new SourceRecords(
                        List.of(
                                change("mysql-bin.000001", 100, 0, 1_000L),
                                change("mysql-bin.000001", 100, 1, 2_000L),
                                change("mysql-bin.000002", 50, 0, 3_000L))),
                output,
                state);

        assertThat(deserialized)
                .containsExactly(
                        "mysql-bin.000001:100", "mysql-bin.000001:100", "mysql-bin.000002:50");
        assertThat(output.timestamps).containsExactly(1_000L, 2_000L, 3_000L);
        assertThat(state.getStartingOffset().getFilename()).isEqualTo("mysql-bin.000002");
        assertThat(state.getStartingOffset().getPosition()).isEqualTo(50);

        emitter.emitRecord(
                new SourceRecords(
                        List.of(
                                change("mysql-bin.000002", 90, 0, 4_000L),
                                change("mysql-bin.000002", 90, 1, 4_000L))),
                output,
                state);

        assertThat(state.getStartingOffset().getPosition()).isEqualTo(90);
        assertThat(state.getStartingOffset().getRestartSkipRows()).isEqualTo(2);
    }

    /** A change as Debezium writes it: its offset says where a restart resumes after it. */
    private static SourceRecord change(String file, long pos, int row, long committed) {
        Struct source =
                new Struct(SOURCE).put("file", file).put("pos", pos).put("ts_ms", committed);
        Struct value =
                new Struct(ENVELOPE)
                        .put("after", new Struct(ROW).put("id", row))
                        .put("source", source)
                        .put("op", "u")
                        .put("ts_ms", committed + 5);
        Map<String, Object> offset = new HashMap<>();
        offset.put("file", file);
        offset.put("pos", pos);
        offset.put("row", row + 1);
        offset.put("event", 1);
        return new SourceRecord(Map.of(), offset, "t", null, null, null, ENVELOPE, value);
    }

    /** The timestamps records were emitted with. */
    private static final class Timestamps implements SourceOutput<ChangeRecord> {
        final List<Long> timestamps = new ArrayList<>();

        @Override
        public void collect(ChangeRecord record) {
            timestamps.add(null);
        }

        @Override
        public void collect(ChangeRecord record, long timestamp) {
            timestamps.add(timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }
}
