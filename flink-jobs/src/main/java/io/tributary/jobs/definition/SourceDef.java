package io.tributary.jobs.definition;

import io.tributary.connectors.yaml.EndpointVocabulary;
import io.tributary.connectors.yaml.YamlEndpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One input of a pipeline, visible to its SQL under {@code name}: files under an S3 (or local)
 * prefix, a MySQL/MariaDB/PostgreSQL table's change stream, a Kafka topic, or a table of the
 * Tributary catalog.
 *
 * @param type the {@code type:} as written (s3, cdc, kafka, catalog, ...)
 * @param vocabulary the connector's keys, checks and options for the type
 * @param settings the type's own keys (path, url, table, topic, ...), values with variables
 *     resolved
 * @param columns name to Flink SQL type, in order; empty for catalog sources (the catalog has them)
 * @param options connector options passed through as they are
 */
public record SourceDef(
        String name,
        String type,
        EndpointVocabulary vocabulary,
        Map<String, String> settings,
        Map<String, String> columns,
        List<String> partitionKeys,
        List<String> primaryKey,
        Map<String, String> options,
        Position at) {

    /**
     * The connector's options for this source (the catalog's, for a catalog source), the source's
     * own {@code options} on top so anything the connector takes can be set.
     *
     * @param home the Tributary home the pipeline runs under
     */
    public Map<String, String> connectorOptions(Path home) {
        Map<String, String> o =
                new LinkedHashMap<>(
                        vocabulary.options(
                                new YamlEndpoint(name, settings, primaryKey, home.toString())));
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
