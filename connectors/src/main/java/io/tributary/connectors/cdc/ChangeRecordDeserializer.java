package io.tributary.connectors.cdc;

import io.tributary.catalog.model.Column;
import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.connectors.changes.RowShape;
import io.tributary.connectors.changes.SourceTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Field;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Schema;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.source.SourceRecord;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Debezium's records (inside Flink CDC) into {@link ChangeRecord}s. The work that depends
 * only on a table's Connect schema (column types, value converters, the registry version) is done
 * once per schema object and cached by identity; per record, only the values are converted. Logs
 * snapshot progress per table against the estimate from the readiness check.
 */
final class ChangeRecordDeserializer implements DebeziumDeserializationSchema<ChangeRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ChangeRecordDeserializer.class);
    private static final long PROGRESS_EVERY_MS = 10_000;

    private final SchemaTracker tracker;
    private final Map<String, Long> estimates;

    private transient Map<Schema, Codec> codecs;
    private transient Schema lastEnvelope;
    private transient Codec lastCodec;
    private transient EnvelopeLayout.Cache layouts;

    /** Per source-block schema (by identity), its fields a change keeps: {@link #KEPT}'s. */
    private transient Map<Schema, Field[]> keptFields;

    private transient Map<String, long[]> snapshotRows;

    /** Per codec of {@link BinlogChangeReader}'s (by identity), the shape the tracker gave it. */
    private transient Map<Codec, RowShape> resolved;

    private transient Codec lastBinlogCodec;
    private transient RowShape lastBinlogShape;
    private transient long lastProgress;

    ChangeRecordDeserializer(SchemaTracker tracker, Map<String, Long> estimates) {
        this.tracker = tracker;
        this.estimates = new HashMap<>(estimates);
    }

    /** What one Connect schema of a table turns into. */
    record Codec(RowShape shape, UnaryOperator<Object>[] converters) {

        /** The codec of a table's row schema ({@code after}'s) and key schema. */
        @SuppressWarnings("unchecked")
        static Codec of(Schema row, Schema keySchema, SourceTable table) {
            List<Column> columns = new ArrayList<>();
            UnaryOperator<Object>[] converters = new UnaryOperator[row.fields().size()];
            for (Field f : row.fields()) {
                columns.add(new Column(f.name(), ConnectTypes.type(f.schema()), null, List.of()));
                converters[f.index()] = ConnectTypes.converter(f.schema());
            }
            List<String> key = new ArrayList<>();
            if (keySchema != null && keySchema.type() == Schema.Type.STRUCT) {
                keySchema.fields().forEach(f -> key.add(f.name()));
            }
            return new Codec(new RowShape(table, columns, key, 0), converters);
        }
    }

    /**
     * Emits a change {@link BinlogChangeReader} read, its shape resolved as a Debezium record's is:
     * the same codec, the same tracker, the same record.
     */
    void deserialize(BinlogChanges.Change c, Collector<ChangeRecord> out) {
        init();
        Codec codec = c.codec();
        RowShape known = codec == lastBinlogCodec ? lastBinlogShape : resolved.get(codec);
        if (known == null) {
            known = codec.shape;
        }
        RowShape shape = tracker.resolve(known, out::collect, c.sourcePosition(), c.commitMillis());
        if (shape != known) {
            resolved.put(codec, shape);
        }
        lastBinlogCodec = codec;
        lastBinlogShape = shape;
        out.collect(
                new ChangeRecord(
                        c.op(),
                        shape,
                        c.before(),
                        c.after(),
                        c.sourcePosition(),
                        c.commitMillis(),
                        null,
                        c.source()));
    }

    /** A snapshot chunk's {@code rows} of {@code codec}'s table, counted once for the chunk. */
    void chunkRead(Codec codec, long rows) {
        init();
        progress(codec.shape.table().qualified(), rows);
    }

    @Override
    public void deserialize(SourceRecord record, Collector<ChangeRecord> out) {
        init();
        if (!(record.value() instanceof Struct value)) {
            return;
        }
        EnvelopeLayout layout = layouts.of(value.schema());
        if (!layout.isChange()) {
            return; // heartbeats, transaction markers and DDL records carry no row
        }
        Struct source = (Struct) value.get(layout.source);
        ChangeOp op = ChangeOp.ofCode((String) value.get(layout.op));
        Map<String, Object> sourceBlock = sourceBlock(source, record);
        String position = position(sourceBlock);
        long commit = commitMillis(layout, value);
        Codec codec = codec(value.schema(), record.keySchema(), source);
        RowShape shape = tracker.resolve(codec.shape, out::collect, position, commit);
        if (shape != codec.shape) {
            codec = new Codec(shape, codec.converters);
            codecs.put(value.schema(), codec);
            lastCodec = codec;
        }
        out.collect(
                new ChangeRecord(
                        op,
                        shape,
                        row(
                                layout.before == null ? null : (Struct) value.get(layout.before),
                                codec),
                        row(layout.after == null ? null : (Struct) value.get(layout.after), codec),
                        position,
                        commit,
                        null,
                        sourceBlock));
        if (op == ChangeOp.READ) {
            progress(shape.table().qualified(), 1);
        }
    }

    private void init() {
        if (codecs == null) {
            codecs = new IdentityHashMap<>();
            keptFields = new IdentityHashMap<>();
            snapshotRows = new HashMap<>();
            layouts = new EnvelopeLayout.Cache();
            resolved = new IdentityHashMap<>();
        }
    }

    /** The codec of an envelope schema: the last one used, or found by identity, or made. */
    private Codec codec(Schema envelope, Schema keySchema, Struct source) {
        if (envelope == lastEnvelope) {
            return lastCodec;
        }
        Codec codec = codecs.get(envelope);
        if (codec == null) {
            codec = codec(envelope, keySchema, source.schema(), source);
            codecs.put(envelope, codec);
        }
        lastEnvelope = envelope;
        lastCodec = codec;
        return codec;
    }

    private static Codec codec(
            Schema envelope, Schema keySchema, Schema sourceSchema, Struct source) {
        Field schemaField = sourceSchema.field("schema");
        SourceTable table =
                new SourceTable(
                        source.getString("db"),
                        schemaField == null ? null : source.getString("schema"),
                        source.getString("table"));
        return Codec.of(envelope.field("after").schema(), keySchema, table);
    }

    /** A row's Connect values as a ChangeRecord's ({@code null} stays {@code null}). */
    static Object[] row(Struct s, Codec codec) {
        if (s == null) {
            return null;
        }
        List<Field> fields = s.schema().fields();
        UnaryOperator<Object>[] converters = codec.converters;
        Object[] out = new Object[fields.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = converters[i].apply(s.get(fields.get(i)));
        }
        return out;
    }

    /**
     * Debezium's source block as plain values. MariaDB 11.4 writes {@code End_log_pos 0} on row
     * events (unless {@code binlog_legacy_event_pos=ON}), so Debezium's event position comes out
     * negative; the change's place in the binlog is then its transaction's, from the record's
     * offset (the position a restart reads from), with {@code row} the row within the event.
     */
    private Map<String, Object> sourceBlock(Struct source, SourceRecord record) {
        Field[] kept =
                keptFields.computeIfAbsent(
                        source.schema(),
                        schema ->
                                schema.fields().stream()
                                        .filter(f -> KEPT.contains(f.name()))
                                        .toArray(Field[]::new));
        Map<String, Object> out = new LinkedHashMap<>();
        for (Field f : kept) {
            Object v = source.get(f);
            if (v != null) {
                out.put(f.name(), v);
            }
        }
        Map<String, ?> offset = record.sourceOffset();
        if (out.get("pos") instanceof Long pos && pos < 0) {
            Object at = offset == null ? null : offset.get("pos");
            out.put("pos", at instanceof Number n ? n.longValue() : 0L);
        }
        return out;
    }

    /**
     * The source fields a change keeps: where it is in the log and what Debezium said of it.
     * Connector, name, database, schema, table and time are the change's own and written from it.
     */
    private static final Set<String> KEPT =
            Set.of(
                    "version",
                    "snapshot",
                    "sequence",
                    "server_id",
                    "gtid",
                    "file",
                    "pos",
                    "row",
                    "thread",
                    "query",
                    "txId",
                    "lsn",
                    "xmin");

    private static String position(Map<String, Object> source) {
        Object file = source.get("file");
        if (file != null && !file.toString().isEmpty()) {
            return file + ":" + source.get("pos");
        }
        Object lsn = source.get("lsn");
        return lsn == null ? "" : "lsn:" + lsn;
    }

    private static long commitMillis(EnvelopeLayout layout, Struct value) {
        Long ts = layout.sourceMillis(value);
        if (ts != null && ts > 0) {
            return ts;
        }
        Long envelope = layout.envelopeMillis(value);
        return envelope != null && envelope > 0 ? envelope : System.currentTimeMillis();
    }

    private void progress(String table, long rows) {
        long[] n = snapshotRows.computeIfAbsent(table, t -> new long[1]);
        n[0] += rows;
        long now = System.currentTimeMillis();
        if (now - lastProgress >= PROGRESS_EVERY_MS) {
            lastProgress = now;
            Long estimate = estimates.get(table);
            LOG.info(
                    "snapshot of {}: {} rows read by this reader{}",
                    table,
                    n[0],
                    estimate == null || estimate <= 0
                            ? ""
                            : " (about " + estimate + " in the table)");
        }
    }

    @Override
    public TypeInformation<ChangeRecord> getProducedType() {
        return TypeInformation.of(ChangeRecord.class);
    }
}
