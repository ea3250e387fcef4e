package io.tributary.jobs.definition;

import io.tributary.connectors.yaml.EndpointVocabulary;
import io.tributary.connectors.yaml.YamlEndpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a source's or transform's rows go: a warehouse table (Redshift or PostgreSQL through
 * Tributary's exactly-once sink) or a Kafka topic.
 *
 * @param type the {@code type:} as written (redshift, kafka, ...)
 * @param vocabulary the connector's keys, checks and options for the type
 * @param keys the primary key the sink upserts on; empty means append
 * @param quality a ruleset the sink's rows are checked with, null when none
 * @param pii what becomes of sensitive columns before the sink, null when nothing
 */
public record SinkDef(
        String name,
        String type,
        EndpointVocabulary vocabulary,
        String from,
        Map<String, String> settings,
        List<String> keys,
        Map<String, String> options,
        Position at,
        QualityDef quality,
        PiiDef pii) {

    /**
     * The connector's options for this sink under the Tributary home {@code home} (its catalog),
     * the sink's own {@code options} on top.
     */
    public Map<String, String> connectorOptions(Path home) {
        Map<String, String> o =
                new LinkedHashMap<>(
                        vocabulary.options(
                                new YamlEndpoint(name, settings, keys, home.toString())));
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
