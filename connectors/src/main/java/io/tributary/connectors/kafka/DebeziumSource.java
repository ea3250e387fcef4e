package io.tributary.connectors.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The {@code source} block of a Debezium envelope, with Debezium's fields and types (1.9, the
 * Debezium inside Flink CDC 3.5), so consumers that read {@code source.file}, {@code source.pos} or
 * {@code source.lsn} keep working: for MySQL/MariaDB {@code version, connector, name, ts_ms,
 * snapshot, db, sequence, table, server_id, gtid, file, pos, row, thread, query}; for PostgreSQL
 * {@code version, connector, name, ts_ms, snapshot, db, sequence, schema, table, txId, lsn, xmin}.
 * Values come from the change's own source block ({@link ChangeRecord#source()}) where the CDC
 * source had one, else from its table, position and commit time.
 */
final class DebeziumSource {

    /** The version written when the change did not come from Debezium. */
    static final String VERSION = "tributary";

    private DebeziumSource() {}

    private enum Type {
        STRING,
        LONG,
        INT
    }

    private record Spec(String name, Type type, boolean optional) {}

    private static final List<Spec> MYSQL =
            List.of(
                    new Spec("version", Type.STRING, false),
                    new Spec("connector", Type.STRING, false),
                    new Spec("name", Type.STRING, false),
                    new Spec("ts_ms", Type.LONG, false),
                    new Spec("snapshot", Type.STRING, true),
                    new Spec("db", Type.STRING, false),
                    new Spec("sequence", Type.STRING, true),
                    new Spec("table", Type.STRING, true),
                    new Spec("server_id", Type.LONG, false),
                    new Spec("gtid", Type.STRING, true),
                    new Spec("file", Type.STRING, false),
                    new Spec("pos", Type.LONG, false),
                    new Spec("row", Type.INT, false),
                    new Spec("thread", Type.LONG, true),
                    new Spec("query", Type.STRING, true));

    private static final List<Spec> POSTGRES =
            List.of(
                    new Spec("version", Type.STRING, false),
                    new Spec("connector", Type.STRING, false),
                    new Spec("name", Type.STRING, false),
                    new Spec("ts_ms", Type.LONG, false),
                    new Spec("snapshot", Type.STRING, true),
                    new Spec("db", Type.STRING, false),
                    new Spec("sequence", Type.STRING, true),
                    new Spec("schema", Type.STRING, false),
                    new Spec("table", Type.STRING, false),
                    new Spec("txId", Type.LONG, true),
                    new Spec("lsn", Type.LONG, true),
                    new Spec("xmin", Type.LONG, true));

    /** Whether the change comes from PostgreSQL (its tables have a schema), else MySQL. */
    static boolean postgres(ChangeRecord r) {
        return r.table().schema() != null;
    }

    private static List<Spec> specs(boolean postgres) {
        return postgres ? POSTGRES : MYSQL;
    }

    /** Debezium's connector name. */
    static String connector(ChangeRecord r) {
        return postgres(r) ? "postgresql" : "mysql";
    }

    /** The Avro schema of the block, named as Debezium names it. */
    static Schema avroSchema(boolean postgres) {
        String connector = postgres ? "postgresql" : "mysql";
        List<Schema.Field> fields = new ArrayList<>();
        for (Spec s : specs(postgres)) {
            Schema t =
                    Schema.create(
                            switch (s.type()) {
                                case STRING -> Schema.Type.STRING;
                                case LONG -> Schema.Type.LONG;
                                case INT -> Schema.Type.INT;
                            });
            if (s.name().equals("snapshot")) {
                // Debezium: an optional io.debezium.data.Enum, default "false"
                t.addProp("connect.name", "io.debezium.data.Enum");
                t.addProp("connect.parameters", Map.of("allowed", "true,last,false,incremental"));
                fields.add(
                        new Schema.Field(
                                s.name(),
                                Schema.createUnion(t, Schema.create(Schema.Type.NULL)),
                                null,
                                "false"));
            } else if (s.optional()) {
                fields.add(
                        new Schema.Field(
                                s.name(),
                                Schema.createUnion(Schema.create(Schema.Type.NULL), t),
                                null,
                                JsonProperties.NULL_VALUE));
            } else {
                fields.add(new Schema.Field(s.name(), t));
            }
        }
        Schema source =
                Schema.createRecord(
                        "Source", null, "io.debezium.connector." + connector, false, fields);
        source.addProp("connect.name", "io.debezium.connector." + connector + ".Source");
        return source;
    }

    /** The block of {@code r} as an Avro record of {@code schema}. */
    static GenericRecord avro(Schema schema, ChangeRecord r, String name) {
        GenericRecord g = new GenericData.Record(schema);
        values(r, name).forEach(g::put);
        return g;
    }

    /** The block of {@code r} into {@code source}, as Kafka Connect's JsonConverter writes it. */
    static void json(ObjectNode source, ChangeRecord r, String name) {
        values(r, name)
                .forEach(
                        (k, v) -> {
                            if (v == null) {
                                source.putNull(k);
                            } else if (v instanceof Long l) {
                                source.put(k, l);
                            } else if (v instanceof Integer i) {
                                source.put(k, i);
                            } else {
                                source.put(k, v.toString());
                            }
                        });
    }

    /** Field → value with Debezium's types (Long, Integer, String), every field present. */
    static Map<String, Object> values(ChangeRecord r, String name) {
        boolean postgres = postgres(r);
        Map<String, Object> given = r.source();
        Map<String, Object> out = new LinkedHashMap<>();
        for (Spec s : specs(postgres)) {
            Object v = given.get(s.name());
            if (v == null) {
                v = fallback(s.name(), r, name);
            }
            out.put(s.name(), v == null ? (s.optional() ? null : zero(s.type())) : typed(v, s));
        }
        // what the envelope is about wins over what the source block said
        out.put("connector", connector(r));
        out.put("name", name);
        out.put("ts_ms", r.commitMillis());
        if (r.op() == ChangeOp.READ && "false".equals(out.get("snapshot"))) {
            out.put("snapshot", "true"); // Flink CDC's snapshot chunks say false; a read is not
        }
        out.put("db", r.table().database() == null ? "" : r.table().database());
        if (postgres) {
            out.put("schema", r.table().schema());
        }
        out.put("table", r.table().table());
        return out;
    }

    private static Object fallback(String field, ChangeRecord r, String name) {
        String position = r.position();
        int colon = position.lastIndexOf(':');
        return switch (field) {
            case "version" -> VERSION;
            case "ts_ms" -> r.commitMillis();
            case "snapshot" -> r.op() == ChangeOp.READ ? "true" : "false";
            case "file" ->
                    colon > 0 && !position.startsWith("lsn:") ? position.substring(0, colon) : null;
            case "pos" ->
                    colon > 0 && !position.startsWith("lsn:")
                            ? parseLong(position.substring(colon + 1))
                            : null;
            case "lsn" -> position.startsWith("lsn:") ? parseLong(position.substring(4)) : null;
            default -> null;
        };
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Object zero(Type t) {
        return switch (t) {
            case STRING -> "";
            case LONG -> 0L;
            case INT -> 0;
        };
    }

    private static Object typed(Object v, Spec s) {
        return switch (s.type()) {
            case STRING -> v.toString();
            case LONG -> v instanceof Number n ? n.longValue() : parseLongOrZero(v.toString());
            case INT -> v instanceof Number n ? n.intValue() : (int) parseLongOrZero(v.toString());
        };
    }

    private static long parseLongOrZero(String s) {
        Long l = parseLong(s);
        return l == null ? 0L : l;
    }

    /** The fields of a source block read from Avro, as Debezium wrote them (any connector). */
    static Map<String, Object> read(GenericRecord source) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (source != null) {
            for (Schema.Field f : source.getSchema().getFields()) {
                Object v = source.get(f.pos());
                if (v != null) {
                    out.put(f.name(), v instanceof CharSequence c ? c.toString() : v);
                }
            }
        }
        return out;
    }

    /** The fields of a source block read from JSON. */
    static Map<String, Object> read(JsonNode source) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (source != null && source.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (v.isIntegralNumber()) {
                    out.put(e.getKey(), v.longValue());
                } else if (!v.isNull()) {
                    out.put(e.getKey(), v.asText());
                }
            }
        }
        return out;
    }

    /** {@code file:pos} or {@code lsn:N} from a source block read back; empty when neither. */
    static String position(Map<String, Object> source) {
        Object file = source.get("file");
        if (file != null && !file.toString().isEmpty()) {
            return file + ":" + source.getOrDefault("pos", 0);
        }
        Object lsn = source.get("lsn");
        return lsn == null ? "" : "lsn:" + lsn;
    }
}
