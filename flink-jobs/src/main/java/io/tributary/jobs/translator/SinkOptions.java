package io.tributary.jobs.translator;

import io.tributary.jobs.definition.SinkDef;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The connector options of a pipeline sink: Tributary's exactly-once warehouse sink
 * (tributary-redshift, PostgreSQL or Redshift by the URL) or Kafka ({@code upsert-kafka} when the
 * sink has keys). The sink's own {@code options} go on top.
 */
final class SinkOptions {

    private SinkOptions() {}

    static Map<String, String> of(SinkDef s) {
        Map<String, String> o = new LinkedHashMap<>();
        switch (s.type()) {
            case WAREHOUSE -> {
                o.put("connector", "tributary-redshift");
                o.put("url", s.setting("url"));
                String[] table = s.setting("table").split("\\.", 2);
                if (table.length == 2) {
                    o.put("schema-name", table[0]);
                    o.put("table-name", table[1]);
                } else {
                    o.put("table-name", table[0]);
                }
                o.put("sink.mode", s.setting("mode").toUpperCase(java.util.Locale.ROOT));
                put(o, "username", s.setting("user"));
                put(o, "password", s.setting("password"));
                put(o, "sink.staging.path", s.setting("staging-path"));
                put(o, "redshift.iam-role", s.setting("iam-role"));
                put(o, "sink.auto-create", s.setting("auto-create"));
                // event time of the rows: the freshness metric (now - newest committed)
                put(o, "sink.freshness-column", s.setting("freshness-column"));
                // TLS: the driver's sslmode and the CA file the server's certificate chains to
                put(o, "ssl.mode", s.setting("ssl-mode"));
                put(o, "ssl.root-cert", s.setting("ssl-root-cert"));
                // the input gained columns (an edited transform, a resumed job): ALTER or stop
                put(
                        o,
                        "sink.schema-evolution",
                        s.setting("schema-evolution", "evolve").toUpperCase(java.util.Locale.ROOT));
            }
            case KAFKA -> kafka(s, o);
            default -> throw new IllegalArgumentException(s.type().toString());
        }
        o.putAll(s.options());
        return o;
    }

    /**
     * Kafka: with keys and a row format (json, avro-confluent), Flink's {@code upsert-kafka} (the
     * key's columns as the message key, a delete as a tombstone); a Debezium format (debezium-json,
     * debezium-avro-confluent) writes a changelog's envelopes through {@code kafka}, keyed by the
     * keys when given; without keys, {@code kafka} with the format as it is. Every Confluent
     * format, key or value, gets the registry's URL. Transactions (exactly-once) wherever Flink's
     * sink offers them.
     */
    private static void kafka(SinkDef s, Map<String, String> o) {
        String format = s.setting("format");
        boolean debezium = format.startsWith("debezium-");
        boolean keyed = !s.keys().isEmpty();
        boolean upsert = keyed && !debezium;
        o.put("connector", upsert ? "upsert-kafka" : "kafka");
        o.put("topic", s.setting("topic"));
        o.put("properties.bootstrap.servers", s.setting("bootstrap-servers"));
        String registry = s.setting("registry-url");
        if (keyed) {
            // the key of a Debezium envelope is its row's key columns, in the row format
            String keyFormat = debezium ? format.substring("debezium-".length()) : format;
            o.put("key.format", keyFormat);
            o.put("value.format", format);
            if (!upsert) {
                o.put("key.fields", String.join(";", s.keys()));
            }
            if (keyFormat.endsWith("confluent")) {
                o.put("key." + keyFormat + ".url", registry);
            }
            if (format.endsWith("confluent")) {
                o.put("value." + format + ".url", registry);
            }
        } else {
            o.put("format", format);
            if (format.endsWith("confluent")) {
                o.put(format + ".url", registry);
            }
        }
        if (!upsert) {
            o.put("sink.delivery-guarantee", "exactly-once");
            o.put("sink.transactional-id-prefix", "tributary-" + s.name());
            // Flink's default (1 h) is over a broker's default transaction.max.timeout.ms
            // (15 min, MSK's too): the producer would be refused at its first transaction
            o.put("properties.transaction.timeout.ms", "900000");
        }
        KafkaSecurityOptions.put(s::setting, o);
    }

    private static void put(Map<String, String> o, String key, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(key, value);
        }
    }
}
