package io.tributary.jobs.definition;

import io.tributary.connectors.kafka.KafkaYaml;
import io.tributary.connectors.redshift.RedshiftYaml;
import io.tributary.connectors.yaml.EndpointVocabulary;
import io.tributary.connectors.yaml.YamlEndpoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a source's or transform's rows go: a warehouse table (Redshift or PostgreSQL through
 * Tributary's exactly-once sink) or a Kafka topic.
 *
 * @param keys the primary key the sink upserts on; empty means append
 */
public record SinkDef(
        String name,
        SinkType type,
        String from,
        Map<String, String> settings,
        List<String> keys,
        Map<String, String> options,
        Position at) {

    /** What a sink writes to. */
    public enum SinkType {
        /** Tributary's exactly-once warehouse sink; {@code warehouse} is its older name. */
        REDSHIFT(RedshiftYaml.SINK),
        KAFKA(KafkaYaml.SINK);

        private final EndpointVocabulary vocabulary;

        SinkType(EndpointVocabulary vocabulary) {
            this.vocabulary = vocabulary;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The connector's YAML keys, checks and options for this type. */
        public EndpointVocabulary vocabulary() {
            return vocabulary;
        }

        /** The type a pipeline file names, old names included; null when none is. */
        static SinkType named(String type) {
            String t = type.toLowerCase(Locale.ROOT);
            return t.equals("warehouse") ? REDSHIFT : valueOf(t.toUpperCase(Locale.ROOT));
        }
    }

    /** The connector's options for this sink, the sink's own {@code options} on top. */
    public Map<String, String> connectorOptions() {
        Map<String, String> o =
                new LinkedHashMap<>(
                        type.vocabulary().options(new YamlEndpoint(name, settings, keys, null)));
        o.putAll(options);
        return o;
    }

    public String setting(String key) {
        return settings.get(key);
    }

    public String setting(String key, String orElse) {
        return settings.getOrDefault(key, orElse);
    }
}
