package io.tributary.connectors.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.registry.SchemaRegistryClient;
import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.connectors.changes.RowShape;
import io.tributary.connectors.changes.SourceTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes each row change to the topic of its table ({@code <prefix>.<db or schema>.<table>}), keyed
 * by its primary key so one key's changes stay in order on one partition, as a Debezium envelope in
 * Avro (Confluent wire format) or JSON. Schemas are registered once per table shape; schema-change
 * records are not written (the next row carries the new schema id).
 */
final class ChangeRecordKafkaSerializer implements KafkaRecordSerializationSchema<ChangeRecord> {

    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter SQL_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final int CACHE_LIMIT = 1024;

    private final String topicPrefix;
    private final ChangeFormat format;
    private final String registryUrl;

    private transient SchemaRegistryClient registry;
    private transient Map<RowShape, Encoded> encoded;
    private transient Map<SourceTable, String> topics;
    private transient ByteArrayOutputStream buffer;
    private transient BinaryEncoder encoder;
    private transient ObjectMapper json;

    ChangeRecordKafkaSerializer(String topicPrefix, ChangeFormat format, String registryUrl) {
        this.topicPrefix = topicPrefix;
        this.format = format;
        this.registryUrl = registryUrl;
        if (format == ChangeFormat.AVRO && registryUrl == null) {
            throw new IllegalArgumentException("Avro on Kafka needs a schema registry URL");
        }
    }

    /** Schemas, their ids and writers for one shape on one topic. */
    private record Encoded(
            DebeziumAvro.Schemas schemas,
            int keyId,
            int valueId,
            GenericDatumWriter<GenericRecord> keyWriter,
            GenericDatumWriter<GenericRecord> valueWriter) {}

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        init();
    }

    private void init() {
        if (encoded == null) {
            encoded = new IdentityHashMap<>();
            topics = new HashMap<>();
            buffer = new ByteArrayOutputStream(256);
            json = new ObjectMapper();
            if (registryUrl != null) {
                registry = new SchemaRegistryClient(registryUrl);
            }
        }
    }

    /** The topic of a table's changes: letters, digits, '.', '_' and '-' only. */
    String topic(SourceTable t) {
        return topics.computeIfAbsent(
                t, x -> (topicPrefix + "." + x.qualified()).replaceAll("[^A-Za-z0-9._-]", "_"));
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            ChangeRecord r, KafkaSinkContext context, Long timestamp) {
        if (r.op() == ChangeOp.SCHEMA) {
            return null;
        }
        init();
        String topic = topic(r.table());
        if (TombstoningSink.isTombstone(r)) {
            byte[] key = format == ChangeFormat.AVRO ? avroKey(r, topic) : jsonKey(r);
            return new ProducerRecord<>(topic, null, r.commitMillis(), key, (byte[]) null);
        }
        byte[] key;
        byte[] value;
        if (format == ChangeFormat.AVRO) {
            Encoded e = encoded(r.shape(), topic);
            GenericRecord k = DebeziumAvro.key(e.schemas, r);
            key = k == null ? null : wire(e.keyId, e.keyWriter, k);
            value = wire(e.valueId, e.valueWriter, DebeziumAvro.value(e.schemas, r, topicPrefix));
        } else {
            key = jsonKey(r);
            value = jsonValue(r);
        }
        return new ProducerRecord<>(topic, null, r.commitMillis(), key, value);
    }

    private byte[] avroKey(ChangeRecord r, String topic) {
        Encoded e = encoded(r.shape(), topic);
        GenericRecord k = DebeziumAvro.key(e.schemas, r);
        return k == null ? null : wire(e.keyId, e.keyWriter, k);
    }

    private Encoded encoded(RowShape shape, String topic) {
        Encoded e = encoded.get(shape);
        if (e == null) {
            if (encoded.size() >= CACHE_LIMIT) {
                encoded.clear();
            }
            DebeziumAvro.Schemas s = DebeziumAvro.schemas(shape, topic);
            int keyId = s.key() == null ? 0 : registry.register(topic + "-key", s.key().toString());
            int valueId = registry.register(topic + "-value", s.value().toString());
            e =
                    new Encoded(
                            s,
                            keyId,
                            valueId,
                            s.key() == null ? null : new GenericDatumWriter<>(s.key()),
                            new GenericDatumWriter<>(s.value()));
            encoded.put(shape, e);
        }
        return e;
    }

    private byte[] wire(int id, GenericDatumWriter<GenericRecord> writer, GenericRecord datum) {
        buffer.reset();
        buffer.write(0);
        buffer.write(id >>> 24);
        buffer.write(id >>> 16);
        buffer.write(id >>> 8);
        buffer.write(id);
        encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
        try {
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    private byte[] jsonKey(ChangeRecord r) {
        List<String> keyColumns = r.shape().key();
        if (keyColumns.isEmpty()) {
            return null;
        }
        ObjectNode k = json.createObjectNode();
        Object[] values = r.key();
        for (int i = 0; i < values.length; i++) {
            put(k, keyColumns.get(i), values[i]);
        }
        return bytes(k);
    }

    private byte[] jsonValue(ChangeRecord r) {
        ObjectNode e = json.createObjectNode();
        row(e, "before", r.shape(), r.before());
        row(e, "after", r.shape(), r.after());
        DebeziumSource.json(e.putObject("source"), r, topicPrefix);
        e.put("op", r.op().code());
        e.put("ts_ms", System.currentTimeMillis());
        return bytes(e);
    }

    private static void row(ObjectNode e, String field, RowShape shape, Object[] values) {
        if (values == null) {
            e.putNull(field);
            return;
        }
        ObjectNode row = e.putObject(field);
        for (int i = 0; i < values.length; i++) {
            put(row, shape.columns().get(i).name(), values[i]);
        }
    }

    private static void put(ObjectNode n, String name, Object v) {
        if (v == null) {
            n.putNull(name);
        } else if (v instanceof Integer i) {
            n.put(name, i);
        } else if (v instanceof Long l) {
            n.put(name, l);
        } else if (v instanceof Double d) {
            n.put(name, d);
        } else if (v instanceof BigDecimal d) {
            n.put(name, d);
        } else if (v instanceof Boolean b) {
            n.put(name, b);
        } else if (v instanceof byte[] b) {
            n.put(name, b);
        } else if (v instanceof LocalDateTime t) {
            n.put(name, SQL_TIMESTAMP.format(t));
        } else if (v instanceof LocalDate d) {
            n.put(name, d.toString());
        } else {
            n.put(name, v.toString());
        }
    }

    private byte[] bytes(ObjectNode n) {
        try {
            return json.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
