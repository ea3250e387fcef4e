package io.tributary.connectors.kafka;

import io.tributary.connectors.yaml.EndpointVocabulary;
import io.tributary.connectors.yaml.YamlBlock;
import io.tributary.connectors.yaml.YamlEndpoint;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.Internal;
import org.apache.flink.streaming.connectors.kafka.table.KafkaConnectorOptions;
import org.apache.flink.streaming.connectors.kafka.table.KafkaDynamicTableFactory;
import org.apache.flink.streaming.connectors.kafka.table.UpsertKafkaDynamicTableFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * {@code type: kafka} in a pipeline file, as a source or a sink: Flink's own {@code kafka} and
 * {@code upsert-kafka} connectors, their options taken from {@link KafkaConnectorOptions}, with the
 * formats Tributary's Kafka fan-out writes (JSON, Avro in Confluent's wire format, Debezium
 * envelopes) and the brokers' security (SASL/SCRAM, TLS with a PEM root).
 */
@Internal
public final class KafkaYaml implements EndpointVocabulary {

    public static final KafkaYaml SOURCE = new KafkaYaml(true);
    public static final KafkaYaml SINK = new KafkaYaml(false);

    /** Kafka client properties' prefix (Flink's own constant is package-private). */
    private static final String PROPERTIES = "properties.";

    /**
     * The Confluent formats' own option ({@code AvroConfluentFormatOptions.URL}): the fat format
     * jar that declares it bundles unrelocated libraries, so it stays off this module's compile
     * path and its key is named here, once.
     */
    private static final String REGISTRY_URL = "url";

    private static final String[] FORMATS = {
        "json", "avro-confluent", "debezium-json", "debezium-avro-confluent"
    };

    private final boolean source;

    private KafkaYaml(boolean source) {
        this.source = source;
    }

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public Role role() {
        return source ? Role.SOURCE : Role.SINK;
    }

    @Override
    public Set<String> keys() {
        Set<String> keys =
                new HashSet<>(
                        Set.of(
                                "topic",
                                "bootstrap-servers",
                                "format",
                                "registry-url",
                                "security-protocol",
                                "sasl-mechanism",
                                "sasl-username",
                                "sasl-password",
                                "ssl-root-cert"));
        if (source) {
            keys.addAll(Set.of("startup", "group-id"));
        }
        return keys;
    }

    @Override
    public Map<String, String> check(YamlBlock b) {
        b.required("topic");
        b.required("bootstrap-servers");
        b.oneOf("security-protocol", null, "plaintext", "ssl", "sasl_plaintext", "sasl_ssl");
        b.oneOf("sasl-mechanism", null, "plain", "scram-sha-256", "scram-sha-512");
        if (b.string("sasl-username").isPresent() != b.string("sasl-password").isPresent()) {
            throw b.error(
                    b.string("sasl-username").isPresent() ? "sasl-username" : "sasl-password",
                    "needs sasl-username and sasl-password together");
        }
        Map<String, String> resolved = EndpointVocabulary.none();
        String format = b.oneOf("format", source ? null : "json", FORMATS);
        if (format == null) {
            throw b.error("format", "is required: " + String.join(", ", FORMATS));
        }
        if (format.endsWith("confluent")) {
            b.required("registry-url");
        }
        if (source) {
            b.oneOf("startup", "earliest", "earliest", "latest", "group-offsets");
        } else {
            resolved.put("format", format);
        }
        return resolved;
    }

    @Override
    public Map<String, String> options(YamlEndpoint s) {
        Map<String, String> o = new LinkedHashMap<>();
        if (source) {
            source(s, o);
        } else {
            sink(s, o);
        }
        security(s, o);
        return o;
    }

    private static void source(YamlEndpoint s, Map<String, String> o) {
        o.put(FactoryUtil.CONNECTOR.key(), KafkaDynamicTableFactory.IDENTIFIER);
        o.put(KafkaConnectorOptions.TOPIC.key(), s.get("topic"));
        o.put(KafkaConnectorOptions.PROPS_BOOTSTRAP_SERVERS.key(), s.get("bootstrap-servers"));
        String format = s.get("format");
        o.put(FactoryUtil.FORMAT.key(), format);
        if (format.endsWith("confluent")) {
            o.put(registryKey("", format), s.get("registry-url"));
        }
        o.put(
                KafkaConnectorOptions.SCAN_STARTUP_MODE.key(),
                switch (s.get("startup", "earliest")) {
                    case "latest" -> "latest-offset";
                    case "group-offsets" -> "group-offsets";
                    default -> "earliest-offset";
                });
        o.put(
                KafkaConnectorOptions.PROPS_GROUP_ID.key(),
                s.get("group-id", "tributary-" + s.name()));
    }

    /**
     * With keys and a row format (json, avro-confluent), Flink's {@code upsert-kafka} (the key's
     * columns as the message key, a delete as a tombstone); a Debezium format (debezium-json,
     * debezium-avro-confluent) writes a changelog's envelopes through {@code kafka}, keyed by the
     * keys when given; without keys, {@code kafka} with the format as it is. Every Confluent
     * format, key or value, gets the registry's URL. Transactions (exactly-once) wherever Flink's
     * sink offers them.
     */
    private static void sink(YamlEndpoint s, Map<String, String> o) {
        String format = s.get("format");
        boolean debezium = format.startsWith("debezium-");
        boolean keyed = !s.keys().isEmpty();
        boolean upsert = keyed && !debezium;
        o.put(
                FactoryUtil.CONNECTOR.key(),
                upsert
                        ? UpsertKafkaDynamicTableFactory.IDENTIFIER
                        : KafkaDynamicTableFactory.IDENTIFIER);
        o.put(KafkaConnectorOptions.TOPIC.key(), s.get("topic"));
        o.put(KafkaConnectorOptions.PROPS_BOOTSTRAP_SERVERS.key(), s.get("bootstrap-servers"));
        String registry = s.get("registry-url");
        if (keyed) {
            // the key of a Debezium envelope is its row's key columns, in the row format
            String keyFormat = debezium ? format.substring("debezium-".length()) : format;
            o.put(KafkaConnectorOptions.KEY_FORMAT.key(), keyFormat);
            o.put(KafkaConnectorOptions.VALUE_FORMAT.key(), format);
            if (!upsert) {
                o.put(KafkaConnectorOptions.KEY_FIELDS.key(), String.join(";", s.keys()));
            }
            if (keyFormat.endsWith("confluent")) {
                o.put(registryKey("key.", keyFormat), registry);
            }
            if (format.endsWith("confluent")) {
                o.put(registryKey("value.", format), registry);
            }
        } else {
            o.put(FactoryUtil.FORMAT.key(), format);
            if (format.endsWith("confluent")) {
                o.put(registryKey("", format), registry);
            }
        }
        if (!upsert) {
            o.put(KafkaConnectorOptions.DELIVERY_GUARANTEE.key(), "exactly-once");
            o.put(KafkaConnectorOptions.TRANSACTIONAL_ID_PREFIX.key(), "tributary-" + s.name());
            // Flink's default (1 h) is over a broker's default transaction.max.timeout.ms
            // (15 min, MSK's too): the producer would be refused at its first transaction
            o.put(PROPERTIES + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "900000");
        }
    }

    /** A Confluent format's registry URL option: {@code [key.|value.]<format>.url}. */
    private static String registryKey(String prefix, String format) {
        return prefix + format + "." + REGISTRY_URL;
    }

    /**
     * Security as Kafka client properties: {@code security-protocol} (PLAINTEXT, SSL,
     * SASL_PLAINTEXT, SASL_SSL), {@code sasl-mechanism} (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) with
     * {@code sasl-username} and {@code sasl-password} (a JAAS login, masked in plans and errors),
     * and {@code ssl-root-cert}, a PEM file of the authority the brokers' certificates chain to.
     */
    private static void security(YamlEndpoint s, Map<String, String> o) {
        String protocol = s.get("security-protocol");
        if (protocol != null) {
            o.put(
                    PROPERTIES + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                    protocol.toUpperCase(Locale.ROOT));
        }
        String mechanism = s.get("sasl-mechanism");
        String m = mechanism == null ? "PLAIN" : mechanism.toUpperCase(Locale.ROOT);
        String user = s.get("sasl-username"); // with sasl-password: the check asks both
        if (mechanism != null || user != null) {
            o.put(PROPERTIES + SaslConfigs.SASL_MECHANISM, m);
        }
        if (user != null) {
            String module =
                    m.equals("PLAIN")
                            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                            : "org.apache.kafka.common.security.scram.ScramLoginModule";
            o.put(
                    PROPERTIES + SaslConfigs.SASL_JAAS_CONFIG,
                    module
                            + " required username="
                            + quoted(user)
                            + " password="
                            + quoted(s.get("sasl-password"))
                            + ";");
        }
        String rootCert = s.get("ssl-root-cert");
        if (rootCert != null) {
            o.put(PROPERTIES + SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            o.put(PROPERTIES + SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, rootCert);
        }
    }

    /** A JAAS option value: double quotes, with backslashes and quotes escaped. */
    private static String quoted(String v) {
        String s = v == null ? "" : v;
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
