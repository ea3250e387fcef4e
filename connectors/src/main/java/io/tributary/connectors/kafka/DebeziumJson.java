package io.tributary.connectors.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.DataType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Debezium envelopes in JSON as Kafka Connect's JsonConverter writes them: with a {@code schema}
 * block (typed: decimals, dates and timestamps by their Connect and Debezium names) or without one
 * (types inferred from the values: integers as BIGINT, fractions as DOUBLE, the rest as strings).
 */
final class DebeziumJson {

    private DebeziumJson() {}

    /** A row's columns and how to read each value. */
    record Row(List<Column> columns, List<Reader> readers) {
        Object[] values(JsonNode row) {
            if (row == null || row.isNull()) {
                return null;
            }
            Object[] out = new Object[columns.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode v = row.get(columns.get(i).name());
                out[i] = v == null || v.isNull() ? null : readers.get(i).read(v);
            }
            return out;
        }
    }

    /** Reads one non-null value. */
    interface Reader {
        Object read(JsonNode v);
    }

    /**
     * The row of an envelope whose schema block is {@code envelopeSchema} (the struct with {@code
     * before}/{@code after} fields).
     */
    static Row typed(JsonNode envelopeSchema) {
        JsonNode rowSchema = null;
        for (JsonNode f : envelopeSchema.path("fields")) {
            if (f.path("field").asText().equals("after")) {
                rowSchema = f;
            }
        }
        if (rowSchema == null) {
            throw new IllegalArgumentException("the schema block has no 'after' field");
        }
        List<Column> columns = new ArrayList<>();
        List<Reader> readers = new ArrayList<>();
        for (JsonNode f : rowSchema.path("fields")) {
            boolean nullable = f.path("optional").asBoolean(true);
            String type = f.path("type").asText();
            String name = f.path("name").asText("");
            DataType t;
            Reader r;
            switch (name) {
                case "org.apache.kafka.connect.data.Decimal" -> {
                    int scale = Integer.parseInt(f.path("parameters").path("scale").asText("0"));
                    int precision =
                            Integer.parseInt(
                                    f.path("parameters")
                                            .path("connect.decimal.precision")
                                            .asText(
                                                    Integer.toString(
                                                            DataType.Decimal.MAX_PRECISION)));
                    t =
                            new DataType.Decimal(
                                    Math.min(
                                            DataType.Decimal.MAX_PRECISION,
                                            Math.max(precision, scale)),
                                    scale,
                                    nullable);
                    r =
                            v ->
                                    v.isNumber()
                                            ? v.decimalValue().setScale(scale)
                                            : new BigDecimal(
                                                    new BigInteger(
                                                            Base64.getDecoder().decode(v.asText())),
                                                    scale);
                }
                case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date" -> {
                    t = primitive(DataType.Kind.DATE, nullable);
                    r = v -> LocalDate.ofEpochDay(v.asLong());
                }
                case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp" -> {
                    t = primitive(DataType.Kind.TIMESTAMP, nullable);
                    r =
                            v ->
                                    LocalDateTime.ofInstant(
                                            Instant.ofEpochMilli(v.asLong()), ZoneOffset.UTC);
                }
                case "io.debezium.time.MicroTimestamp" -> {
                    t = primitive(DataType.Kind.TIMESTAMP, nullable);
                    r = v -> fromMicros(v.asLong());
                }
                case "io.debezium.time.NanoTimestamp" -> {
                    t = primitive(DataType.Kind.TIMESTAMP, nullable);
                    r = v -> fromMicros(Math.floorDiv(v.asLong(), 1000L));
                }
                case "io.debezium.time.ZonedTimestamp" -> {
                    t = primitive(DataType.Kind.TIMESTAMP, nullable);
                    r =
                            v ->
                                    LocalDateTime.ofInstant(
                                            OffsetDateTime.parse(v.asText()).toInstant(),
                                            ZoneOffset.UTC);
                }
                default -> {
                    switch (type) {
                        case "int8", "int16", "int32" -> {
                            t = primitive(DataType.Kind.INT, nullable);
                            r = JsonNode::intValue;
                        }
                        case "int64" -> {
                            t = primitive(DataType.Kind.BIGINT, nullable);
                            r = JsonNode::longValue;
                        }
                        case "float", "float32", "float64", "double" -> {
                            t = primitive(DataType.Kind.DOUBLE, nullable);
                            r = JsonNode::doubleValue;
                        }
                        case "boolean" -> {
                            t = primitive(DataType.Kind.BOOLEAN, nullable);
                            r = JsonNode::booleanValue;
                        }
                        case "bytes" -> {
                            t = primitive(DataType.Kind.BINARY, nullable);
                            r = v -> Base64.getDecoder().decode(v.asText());
                        }
                        case "string" -> {
                            t = primitive(DataType.Kind.STRING, nullable);
                            r = JsonNode::asText;
                        }
                        default -> {
                            // struct, array, map: kept as their JSON text
                            t = primitive(DataType.Kind.STRING, nullable);
                            r = JsonNode::toString;
                        }
                    }
                }
            }
            columns.add(new Column(f.path("field").asText(), t, null, List.of()));
            readers.add(r);
        }
        return new Row(columns, readers);
    }

    /** The row of a schemaless envelope, typed from the values of {@code row}. */
    static Row inferred(JsonNode row) {
        List<Column> columns = new ArrayList<>();
        List<Reader> readers = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = row.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            DataType.Kind k;
            Reader r;
            if (v.isBoolean()) {
                k = DataType.Kind.BOOLEAN;
                r = JsonNode::booleanValue;
            } else if (v.isIntegralNumber()) {
                k = DataType.Kind.BIGINT;
                r = JsonNode::longValue;
            } else if (v.isNumber()) {
                k = DataType.Kind.DOUBLE;
                r = JsonNode::doubleValue;
            } else {
                k = DataType.Kind.STRING;
                r = n -> n.isTextual() ? n.textValue() : n.toString();
            }
            columns.add(new Column(e.getKey(), primitive(k, true), null, List.of()));
            readers.add(r);
        }
        return new Row(columns, readers);
    }

    /** The key columns of a key message (with or without its schema block). */
    static List<String> keyColumns(JsonNode key) {
        List<String> out = new ArrayList<>();
        if (key == null || key.isNull()) {
            return out;
        }
        JsonNode k = key.has("payload") && key.has("schema") ? key.get("payload") : key;
        k.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static DataType primitive(DataType.Kind k, boolean nullable) {
        return new DataType.Primitive(k, nullable);
    }

    private static LocalDateTime fromMicros(long micros) {
        return LocalDateTime.ofInstant(
                Instant.ofEpochSecond(
                        Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1_000L),
                ZoneOffset.UTC);
    }
}
