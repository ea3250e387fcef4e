package io.tributary.connectors.cdc;

import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Field;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Schema;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Struct;

/**
 * Where a Debezium envelope schema keeps the fields a change is read from ({@code op}, {@code
 * source}, {@code before}, {@code after}, {@code ts_ms}), and its source block its {@code ts_ms}:
 * found once per schema object. Reading a Connect {@code Struct} by field name is a hash lookup per
 * read; by {@link Field} it is an array index. The name lookups of a change (a dozen between Flink
 * CDC's emitter and the deserializer) were the largest single cost of a streaming reader's task
 * thread (bench/RESULTS.md, 2026-12-07 04:05). Debezium builds one schema object per table schema
 * and reuses it for every change, so the cache holds one entry per table and schema version.
 */
final class EnvelopeLayout {

    /** The layout of a schema that is not a change envelope (heartbeats, DDL, watermarks). */
    private static final EnvelopeLayout NONE = new EnvelopeLayout(null, null, null, null, null);

    final Field op;
    final Field source;
    final Field before;
    final Field after;
    final Field ts;

    private Schema sourceSchema;
    private Field sourceTs;

    private EnvelopeLayout(Field op, Field source, Field before, Field after, Field ts) {
        this.op = op;
        this.source = source;
        this.before = before;
        this.after = after;
        this.ts = ts;
    }

    /** Whether the schema is a change envelope: it has an operation and a source block. */
    boolean isChange() {
        return op != null && source != null;
    }

    /** The change's source block's {@code ts_ms}: its commit time in the log, null if absent. */
    Long sourceMillis(Struct value) {
        Struct s = (Struct) value.get(source);
        if (s == null) {
            return null;
        }
        if (s.schema() != sourceSchema) {
            sourceSchema = s.schema();
            sourceTs = sourceSchema.field("ts_ms");
        }
        return sourceTs == null ? null : (Long) s.get(sourceTs);
    }

    /** The envelope's {@code ts_ms}: when Debezium read the change, null if absent. */
    Long envelopeMillis(Struct value) {
        return ts == null ? null : (Long) value.get(ts);
    }

    /** Layouts by schema object, the last one found kept at hand. */
    static final class Cache {
        private final Map<Schema, EnvelopeLayout> bySchema = new IdentityHashMap<>();
        private Schema last;
        private EnvelopeLayout lastLayout;

        EnvelopeLayout of(Schema envelope) {
            if (envelope == last) {
                return lastLayout;
            }
            EnvelopeLayout layout = bySchema.computeIfAbsent(envelope, EnvelopeLayout::find);
            last = envelope;
            lastLayout = layout;
            return layout;
        }
    }

    private static EnvelopeLayout find(Schema s) {
        if (s == null || s.type() != Schema.Type.STRUCT) {
            return NONE;
        }
        return new EnvelopeLayout(
                s.field("op"),
                s.field("source"),
                s.field("before"),
                s.field("after"),
                s.field("ts_ms"));
    }
}
