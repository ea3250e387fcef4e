package io.tributary.connectors.cdc;

import io.debezium.relational.TableId;
import io.debezium.relational.history.TableChanges;
import io.tributary.connectors.changes.ChangeOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.cdc.connectors.mysql.source.offset.BinlogOffset;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;

/**
 * A batch of what {@link BinlogChangeReader} read from the binlog, handed to the source reader as
 * the value of one {@link SourceRecord} (Flink CDC's readers pass {@code SourceRecord}s only), and
 * unpacked by {@link BinlogBatchEmitter}. Every item carries the position a restart reads from
 * after it, in Debezium's terms (the transaction's first event, the events and rows to skip), so
 * the split's state is the one Debezium's reader would leave at the same change.
 */
final class BinlogChanges {

    final List<Object> items = new ArrayList<>();

    int size() {
        return items.size();
    }

    SourceRecord asRecord() {
        return new SourceRecord(null, null, null, null, null, this);
    }

    /** Where a restart reads from after an item. */
    record Position(
            String file, long pos, long events, long rows, long serverId, long timestampSec) {
        BinlogOffset offset() {
            return BinlogOffset.builder()
                    .setBinlogFilePosition(file, pos)
                    .setSkipEvents(events)
                    .setSkipRows(rows)
                    .setServerId(serverId)
                    .setTimestampSec(timestampSec)
                    .build();
        }
    }

    /**
     * One row change: its values already converted (in the reader's thread) to a {@link
     * io.tributary.connectors.changes.ChangeRecord}'s, its shape not yet resolved against the
     * registry (the task thread's {@link SchemaTracker} does that).
     */
    record Change(
            ChangeOp op,
            ChangeRecordDeserializer.Codec codec,
            Object[] before,
            Object[] after,
            long commitMillis,
            long fetchMillis,
            Position position,
            String sourcePosition,
            Map<String, Object> source) {}

    /**
     * The end of a snapshot chunk {@link SnapshotChunkReader} read: the binlog position its rows
     * are the table's rows at, the chunk's high watermark.
     */
    record HighWatermark(BinlogOffset offset) {}

    /** A table's new schema after DDL, for the split's state (restarts decode with it). */
    record SchemaChange(TableId table, TableChanges.TableChange change, Position position) {}
}
