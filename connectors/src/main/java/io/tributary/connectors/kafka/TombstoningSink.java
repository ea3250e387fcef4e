package io.tributary.connectors.kafka;

import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Flink's {@code KafkaSink} with Debezium's {@code tombstones.on.delete}: after each delete of a
 * keyed row, a record with the same key and a null value, in the same transaction, so log
 * compaction can drop the key. Everything else (transactions, state, committer) is the Kafka sink's
 * own; the writer only writes the tombstone after the delete.
 *
 * <pre>
 *   ChangeRecord ──▶ writer: d(key) ─▶ KafkaWriter.write(d), KafkaWriter.write(tombstone(key))
 *                                      └─ prepareCommit/snapshotState: KafkaWriter's ─▶ committer
 * </pre>
 */
@SuppressWarnings({"unchecked", "rawtypes"})
final class TombstoningSink
        implements TwoPhaseCommittingStatefulSink<ChangeRecord, Object, Object> {

    private static final long serialVersionUID = 1L;

    /** The note that marks a delete's tombstone for {@link ChangeRecordKafkaSerializer}. */
    static final String TOMBSTONE = "tombstone";

    // the Kafka sink's writer state and committable types are package-private in the connector
    private final TwoPhaseCommittingStatefulSink kafka;

    TombstoningSink(TwoPhaseCommittingStatefulSink<ChangeRecord, ?, ?> kafka) {
        this.kafka = kafka;
    }

    /** Whether {@code r} is the tombstone written after a delete. */
    static boolean isTombstone(ChangeRecord r) {
        return r.op() == ChangeOp.DELETE && TOMBSTONE.equals(r.note());
    }

    @Override
    public PrecommittingStatefulSinkWriter<ChangeRecord, Object, Object> createWriter(
            InitContext context) throws IOException {
        return new Writer(kafka.createWriter(context));
    }

    @Override
    public PrecommittingStatefulSinkWriter<ChangeRecord, Object, Object> restoreWriter(
            InitContext context, Collection<Object> states) throws IOException {
        return new Writer(kafka.restoreWriter(context, states));
    }

    @Override
    public Committer<Object> createCommitter() throws IOException {
        return kafka.createCommitter();
    }

    @Override
    public SimpleVersionedSerializer<Object> getCommittableSerializer() {
        return kafka.getCommittableSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Object> getWriterStateSerializer() {
        return kafka.getWriterStateSerializer();
    }

    private static final class Writer
            implements PrecommittingStatefulSinkWriter<ChangeRecord, Object, Object> {
        private final PrecommittingStatefulSinkWriter delegate;

        Writer(PrecommittingStatefulSinkWriter delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(ChangeRecord r, Context context)
                throws IOException, InterruptedException {
            delegate.write(r, context);
            if (r.op() == ChangeOp.DELETE && !r.shape().key().isEmpty() && !isTombstone(r)) {
                delegate.write(
                        new ChangeRecord(
                                ChangeOp.DELETE,
                                r.shape(),
                                r.before(),
                                null,
                                r.position(),
                                r.commitMillis(),
                                TOMBSTONE,
                                r.source()),
                        context);
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            delegate.flush(endOfInput);
        }

        @Override
        public Collection<Object> prepareCommit() throws IOException, InterruptedException {
            return delegate.prepareCommit();
        }

        @Override
        public List<Object> snapshotState(long checkpointId) throws IOException {
            return delegate.snapshotState(checkpointId);
        }

        @Override
        public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
            delegate.writeWatermark(watermark);
        }

        @Override
        public void close() throws Exception {
            delegate.close();
        }
    }
}
