package io.tributary.connectors.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.catalog.registry.SchemaRegistryClient;
import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.connectors.changes.RowShape;
import io.tributary.connectors.changes.SourceTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads Debezium envelopes from Kafka (written by Tributary, Debezium Server or Kafka Connect) as
 * {@link ChangeRecord}s: Avro in the Confluent wire format, the writer schema fetched from the
 * registry by id (and cached); or JSON, with or without Debezium's schema block. Tombstones (null
 * values after a delete) carry no change and are skipped; a record that cannot be read fails the
 * job naming the topic, partition and offset.
 */
final class ChangeRecordKafkaDeserializer
        implements KafkaRecordDeserializationSchema<ChangeRecord> {

    private static final long serialVersionUID = 1L;

    private final ChangeFormat format;
    private final String registryUrl;

    private transient SchemaRegistryClient registry;
    private transient Map<Integer, Schema> schemas;
    private transient Map<Integer, GenericDatumReader<GenericRecord>> readers;
    private transient BinaryDecoder decoder;
    private transient ObjectMapper json;
    private transient Map<String, RowShape> shapes;
    private transient Map<String, JsonShape> jsonShapes;

    ChangeRecordKafkaDeserializer(ChangeFormat format, String registryUrl) {
        this.format = format;
        this.registryUrl = registryUrl;
    }

    private void init() {
        if (schemas == null) {
            schemas = new HashMap<>();
            readers = new HashMap<>();
            shapes = new HashMap<>();
            jsonShapes = new HashMap<>();
            json = new ObjectMapper();
            if (registryUrl != null) {
                registry = new SchemaRegistryClient(registryUrl);
            }
        }
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ChangeRecord> out)
            throws IOException {
        if (record.value() == null) {
            return;
        }
        init();
        try {
            ChangeRecord r =
                    format == ChangeFormat.AVRO
                            ? avro(record.key(), record.value())
                            : json(record.key(), record.value());
            if (r != null) {
                out.collect(r);
            }
        } catch (RuntimeException | IOException e) {
            throw new IOException(
                    "Cannot read the Debezium "
                            + format
                            + " record at "
                            + record.topic()
                            + "/"
                            + record.partition()
                            + "@"
                            + record.offset()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private ChangeRecord avro(byte[] key, byte[] value) throws IOException {
        int valueId = schemaId(value);
        GenericRecord envelope = read(valueId, value);
        Schema keySchema =
                key == null || key.length < 5 || key[0] != 0 ? null : schema(schemaId(key));
        ChangeRecord r = DebeziumAvro.toChange(envelope, keySchema);
        // one shape object per table and schema ids, so downstream caches hit
        String id = valueId + "/" + (keySchema == null ? "-" : schemaId(key)) + "/" + r.table();
        RowShape shape = shapes.computeIfAbsent(id, x -> r.shape());
        return shape == r.shape() ? r : r.withShape(shape);
    }

    private static int schemaId(byte[] b) throws IOException {
        if (b.length < 5 || b[0] != 0) {
            throw new IOException(
                    "not in the Confluent wire format (expected magic byte 0 and a schema id)");
        }
        return ((b[1] & 0xff) << 24) | ((b[2] & 0xff) << 16) | ((b[3] & 0xff) << 8) | (b[4] & 0xff);
    }

    private Schema schema(int id) {
        return schemas.computeIfAbsent(id, i -> new Schema.Parser().parse(registry.schemaById(i)));
    }

    private GenericRecord read(int id, byte[] value) throws IOException {
        GenericDatumReader<GenericRecord> reader =
                readers.computeIfAbsent(id, i -> new GenericDatumReader<>(schema(i)));
        decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, decoder);
        return reader.read(null, decoder);
    }

    private ChangeRecord json(byte[] key, byte[] value) throws IOException {
        JsonNode n = json.readTree(value);
        JsonNode schema = null;
        if (n.has("payload") && n.has("schema")) {
            schema = n.get("schema");
            n = n.get("payload");
        }
        if (n == null || n.isNull() || !n.has("op")) {
            return null;
        }
        JsonNode before = n.get("before");
        JsonNode after = n.get("after");
        JsonNode row = after != null && !after.isNull() ? after : before;
        JsonNode source = n.path("source");
        SourceTable table =
                new SourceTable(
                        source.path("db").asText(null),
                        source.path("schema").isMissingNode() || source.path("schema").isNull()
                                ? null
                                : source.path("schema").asText(),
                        source.path("table").asText(null));
        List<String> keyNames =
                key == null ? List.of() : DebeziumJson.keyColumns(json.readTree(key));
        // typed by the schema block when there is one, else by the first row's values
        String id;
        if (schema != null) {
            id = table + "/" + schema + "/" + keyNames;
        } else {
            List<String> names = new ArrayList<>();
            row.fieldNames().forEachRemaining(names::add);
            id = table + "/" + names + "/" + keyNames;
        }
        JsonNode typedBy = schema;
        JsonShape s =
                jsonShapes.computeIfAbsent(
                        id,
                        x -> {
                            DebeziumJson.Row r =
                                    typedBy != null
                                            ? DebeziumJson.typed(typedBy)
                                            : DebeziumJson.inferred(row);
                            return new JsonShape(new RowShape(table, r.columns(), keyNames, 0), r);
                        });
        Map<String, Object> block = DebeziumSource.read(source);
        return new ChangeRecord(
                ChangeOp.ofCode(n.get("op").asText()),
                s.shape(),
                s.row().values(before),
                s.row().values(after),
                DebeziumSource.position(block),
                source.path("ts_ms").asLong(0),
                null,
                block);
    }

    private record JsonShape(RowShape shape, DebeziumJson.Row row) {}

    @Override
    public TypeInformation<ChangeRecord> getProducedType() {
        return TypeInformation.of(ChangeRecord.class);
    }
}
