package io.tributary.connectors.kafka;

import io.tributary.connectors.changes.ChangeRecord;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;

/**
 * Change streams on Kafka, both ways, on Flink's own Kafka connector: {@link #sink} fans {@link
 * ChangeRecord}s out to one topic per table as Debezium envelopes (exactly-once with Kafka
 * transactions by default), and {@link #source} reads Debezium topics back as change records.
 *
 * <pre>
 *  CDC source ──ChangeRecord──▶ KafkaSink(EXACTLY_ONCE) ──▶ prefix.db.customers (key: id)
 *                                  │ registers prefix.db.customers-key / -value
 *                                  ▼
 *                            schema registry
 * </pre>
 */
@PublicEvolving
public final class KafkaChanges {

    private KafkaChanges() {}

    public static SinkBuilder sink(String bootstrapServers) {
        return new SinkBuilder(bootstrapServers);
    }

    public static SourceBuilder source(String bootstrapServers) {
        return new SourceBuilder(bootstrapServers);
    }

    /** Builds the fan-out sink. */
    public static final class SinkBuilder {
        private final String bootstrapServers;
        private String topicPrefix = "tributary";
        private ChangeFormat format = ChangeFormat.AVRO;
        private String registryUrl;
        private DeliveryGuarantee guarantee = DeliveryGuarantee.EXACTLY_ONCE;
        private String transactionalIdPrefix;
        private final Properties properties = new Properties();
        private boolean tombstones = true;

        private SinkBuilder(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers);
        }

        /** Topics are {@code <prefix>.<db or schema>.<table>}, as Debezium names them. */
        public SinkBuilder topicPrefix(String prefix) {
            this.topicPrefix = prefix;
            return this;
        }

        /** Avro in the Confluent wire format, schemas in the registry at {@code url}. */
        public SinkBuilder avro(String url) {
            this.format = ChangeFormat.AVRO;
            this.registryUrl = url;
            return this;
        }

        public SinkBuilder json() {
            this.format = ChangeFormat.JSON;
            return this;
        }

        public SinkBuilder deliveryGuarantee(DeliveryGuarantee g) {
            this.guarantee = g;
            return this;
        }

        /** Unique per job on a cluster; defaults to {@code tributary-<topic prefix>}. */
        public SinkBuilder transactionalIdPrefix(String prefix) {
            this.transactionalIdPrefix = prefix;
            return this;
        }

        /**
         * Debezium's {@code tombstones.on.delete} (default true): a null-value record with the key
         * after each delete of a keyed row, which log compaction needs; false writes the delete
         * envelope only.
         */
        public SinkBuilder tombstonesOnDelete(boolean enabled) {
            this.tombstones = enabled;
            return this;
        }

        /** A Kafka producer property (security, compression, ...). */
        public SinkBuilder property(String key, String value) {
            properties.setProperty(key, value);
            return this;
        }

        /** The sink: Flink's Kafka sink, with a tombstone after each delete unless turned off. */
        public Sink<ChangeRecord> build() {
            Properties p = new Properties();
            // at most the broker's transaction.max.timeout.ms (15 minutes by default)
            p.setProperty("transaction.timeout.ms", "600000");
            p.setProperty("enable.idempotence", "true");
            p.putAll(properties);
            KafkaSink<ChangeRecord> kafka =
                    KafkaSink.<ChangeRecord>builder()
                            .setBootstrapServers(bootstrapServers)
                            .setKafkaProducerConfig(p)
                            .setDeliveryGuarantee(guarantee)
                            .setTransactionalIdPrefix(
                                    transactionalIdPrefix != null
                                            ? transactionalIdPrefix
                                            : "tributary-" + topicPrefix)
                            .setRecordSerializer(
                                    new ChangeRecordKafkaSerializer(
                                            topicPrefix, format, registryUrl))
                            .build();
            return tombstones ? new TombstoningSink(kafka) : kafka;
        }
    }

    /** Builds a source of Debezium topics. */
    public static final class SourceBuilder {
        private final String bootstrapServers;
        private String[] topics;
        private Pattern topicPattern;
        private ChangeFormat format = ChangeFormat.AVRO;
        private String registryUrl;
        private String groupId = "tributary";
        private OffsetsInitializer start = OffsetsInitializer.earliest();
        private final Properties properties = new Properties();

        private SourceBuilder(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers);
        }

        public SourceBuilder topics(String... names) {
            this.topics = names;
            return this;
        }

        public SourceBuilder topicPattern(Pattern p) {
            this.topicPattern = p;
            return this;
        }

        public SourceBuilder avro(String url) {
            this.format = ChangeFormat.AVRO;
            this.registryUrl = url;
            return this;
        }

        public SourceBuilder json() {
            this.format = ChangeFormat.JSON;
            return this;
        }

        public SourceBuilder groupId(String id) {
            this.groupId = id;
            return this;
        }

        public SourceBuilder startingOffsets(OffsetsInitializer o) {
            this.start = o;
            return this;
        }

        public SourceBuilder property(String key, String value) {
            properties.setProperty(key, value);
            return this;
        }

        public KafkaSource<ChangeRecord> build() {
            var b =
                    KafkaSource.<ChangeRecord>builder()
                            .setBootstrapServers(bootstrapServers)
                            .setGroupId(groupId)
                            .setStartingOffsets(start)
                            // only committed transactions: what an exactly-once writer made final
                            .setProperty("isolation.level", "read_committed")
                            .setProperties(properties)
                            .setDeserializer(
                                    new ChangeRecordKafkaDeserializer(format, registryUrl));
            if (topicPattern != null) {
                b.setTopicPattern(topicPattern);
            } else {
                b.setTopics(topics);
            }
            return b.build();
        }
    }
}
