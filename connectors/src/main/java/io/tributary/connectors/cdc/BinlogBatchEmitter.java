package io.tributary.connectors.cdc;

import io.tributary.connectors.changes.ChangeRecord;
import java.util.List;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.cdc.connectors.mysql.source.metrics.MySqlSourceReaderMetrics;
import org.apache.flink.cdc.connectors.mysql.source.reader.MySqlRecordEmitter;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlSplitState;
import org.apache.flink.cdc.connectors.mysql.source.split.SourceRecords;
import org.apache.flink.cdc.connectors.mysql.source.utils.RecordUtils;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.util.Collector;

/**
 * Flink CDC's MySQL record emitter, with the binlog split's position kept once per batch instead of
 * once per change. Flink CDC's emitter rebuilds the split's {@code BinlogOffset} from every
 * change's offset map (each value turned into a string, a builder, a map): 31 % of a streaming
 * reader's task thread in the profile of bench/RESULTS.md (2026-12-06 06:21). The position matters
 * only where Flink can snapshot the reader's state, which is between two batches (the source reader
 * emits a whole {@link SourceRecords} batch in one call), and before any record that is not a
 * change (a heartbeat or a schema change sets or reads it itself). So the position of the batch's
 * last change is written there, and the split's state at every checkpoint is the one the per-change
 * emitter leaves. The fetch delay gauge, which keeps only its last value, is set the same way. A
 * change is told from other records, and its commit time read, through its schema's {@link
 * EnvelopeLayout} rather than by field name. A snapshot chunk {@link SnapshotChunkReader} read
 * comes as one batch, emitted in one call with its high watermark last. Flink CDC's snapshot chunks
 * and every other record go through Flink CDC's emitter unchanged.
 */
final class BinlogBatchEmitter extends MySqlRecordEmitter<ChangeRecord> {

    private final DebeziumDeserializationSchema<ChangeRecord> deserializer;
    private final MySqlSourceReaderMetrics metrics;
    private final TimestampedOutput out = new TimestampedOutput();
    private final EnvelopeLayout.Cache layouts = new EnvelopeLayout.Cache();
    private final Runnable chunkEmitted;

    /**
     * @param chunkEmitted runs (on the task thread) after each snapshot chunk of Tributary's chunk
     *     reader is emitted
     */
    BinlogBatchEmitter(
            DebeziumDeserializationSchema<ChangeRecord> deserializer,
            MySqlSourceReaderMetrics metrics,
            boolean includeSchemaChanges,
            Runnable chunkEmitted) {
        super(deserializer, metrics, includeSchemaChanges);
        this.deserializer = deserializer;
        this.metrics = metrics;
        this.chunkEmitted = chunkEmitted;
    }

    @Override
    public void emitRecord(
            SourceRecords records, SourceOutput<ChangeRecord> output, MySqlSplitState state)
            throws Exception {
        if (state.isSnapshotSplitState()) {
            List<SourceRecord> list = records.getSourceRecordList();
            if (list.size() == 1 && list.get(0).value() instanceof BinlogChanges chunk) {
                emitChunk(chunk, output, state);
            } else {
                super.emitRecord(records, output, state);
            }
            return;
        }
        if (!state.isBinlogSplitState()) {
            super.emitRecord(records, output, state);
            return;
        }
        SourceRecord unplaced = null; // the last change whose position the state does not have
        for (SourceRecord r : records.getSourceRecordList()) {
            if (r.value() instanceof BinlogChanges batch) {
                place(unplaced, state);
                unplaced = null;
                emit(batch, output, state);
                continue;
            }
            Struct value = r.value() instanceof Struct v ? v : null;
            EnvelopeLayout layout = value == null ? null : layouts.of(value.schema());
            if (layout != null && layout.op != null && value.get(layout.op) != null) {
                out.output = output;
                out.timestamp = layout.source == null ? null : layout.sourceMillis(value);
                deserializer.deserialize(r, out);
                unplaced = r;
            } else {
                place(unplaced, state);
                unplaced = null;
                processElement(r, output, state);
            }
        }
        place(unplaced, state);
    }

    /**
     * A batch {@link BinlogChangeReader} read: its changes emitted, its schema changes kept in the
     * split's state, and the position of its last change (or idle position) written once.
     */
    private void emit(
            BinlogChanges batch, SourceOutput<ChangeRecord> output, MySqlSplitState state) {
        BinlogChanges.Position last = null;
        BinlogChanges.Change lastChange = null;
        ChangeRecordDeserializer changes = (ChangeRecordDeserializer) deserializer;
        out.output = output;
        for (Object item : batch.items) {
            if (item instanceof BinlogChanges.Change c) {
                out.timestamp = c.commitMillis();
                changes.deserialize(c, out);
                last = c.position();
                lastChange = c;
            } else if (item instanceof BinlogChanges.SchemaChange sc) {
                state.asBinlogSplitState().recordSchema(sc.table(), sc.change());
            } else if (item instanceof BinlogChanges.Position p) {
                last = p;
            }
        }
        if (last != null) {
            state.asBinlogSplitState().setStartingOffset(last.offset());
        }
        if (lastChange != null && lastChange.fetchMillis() >= lastChange.commitMillis()) {
            metrics.recordFetchDelay(lastChange.fetchMillis() - lastChange.commitMillis());
        }
    }

    /**
     * A snapshot chunk {@link SnapshotChunkReader} read: its rows emitted without a timestamp (as
     * Flink CDC emits snapshot reads), then its high watermark set, which finishes the chunk.
     */
    private void emitChunk(
            BinlogChanges chunk, SourceOutput<ChangeRecord> output, MySqlSplitState state) {
        ChangeRecordDeserializer changes = (ChangeRecordDeserializer) deserializer;
        out.output = output;
        out.timestamp = null;
        ChangeRecordDeserializer.Codec codec = null;
        long rows = 0;
        for (Object item : chunk.items) {
            if (item instanceof BinlogChanges.Change c) {
                changes.deserialize(c, out);
                codec = c.codec();
                rows++;
            } else if (item instanceof BinlogChanges.HighWatermark hw) {
                state.asSnapshotSplitState().setHighWatermark(hw.offset());
            }
        }
        if (codec != null) {
            changes.chunkRead(codec, rows);
        }
        chunkEmitted.run();
    }

    private void place(SourceRecord change, MySqlSplitState state) {
        if (change == null) {
            return;
        }
        state.asBinlogSplitState().setStartingOffset(RecordUtils.getBinlogPosition(change));
        Struct value = (Struct) change.value();
        EnvelopeLayout layout = layouts.of(value.schema());
        Long committed = layout.source == null ? null : layout.sourceMillis(value);
        Long fetched = layout.envelopeMillis(value);
        if (committed != null && committed > 0 && fetched != null && fetched >= committed) {
            metrics.recordFetchDelay(fetched - committed);
        }
    }

    /** Emits with the change's commit time as the record's timestamp, as Flink CDC's does. */
    private static final class TimestampedOutput implements Collector<ChangeRecord> {
        private SourceOutput<ChangeRecord> output;
        private Long timestamp;

        @Override
        public void collect(ChangeRecord record) {
            if (timestamp != null && timestamp > 0) {
                output.collect(record, timestamp);
            } else {
                output.collect(record);
            }
        }

        @Override
        public void close() {}
    }
}
