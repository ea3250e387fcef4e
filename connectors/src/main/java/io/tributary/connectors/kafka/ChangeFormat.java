package io.tributary.connectors.kafka;

import org.apache.flink.annotation.PublicEvolving;

/** How changes are encoded on Kafka. */
@PublicEvolving
public enum ChangeFormat {
    /**
     * Debezium envelopes in Avro, Confluent wire format (magic byte 0, 4-byte schema id, Avro
     * binary), schemas registered under {@code <topic>-key} and {@code <topic>-value}: what Flink's
     * {@code debezium-avro-confluent} format and Confluent's deserializers read.
     */
    AVRO,
    /**
     * Debezium envelopes as JSON without the schema block, dates as {@code yyyy-MM-dd} and
     * timestamps as {@code yyyy-MM-dd HH:mm:ss.SSS}: what Flink's {@code debezium-json} reads.
     */
    JSON
}
