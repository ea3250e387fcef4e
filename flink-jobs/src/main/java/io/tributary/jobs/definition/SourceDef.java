package io.tributary.jobs.definition;

import java.util.List;
import java.util.Map;

/**
 * One input of a pipeline, visible to its SQL under {@code name}: files under an S3 (or local)
 * prefix, a MySQL/MariaDB/PostgreSQL table's change stream, a Kafka topic, or a table of the
 * Tributary catalog.
 *
 * @param settings the type's own keys (path, url, table, topic, ...), values with variables
 *     resolved
 * @param columns name to Flink SQL type, in order; empty for catalog sources (the catalog has them)
 * @param options connector options passed through as they are
 */
public record SourceDef(
        String name,
        SourceType type,
        Map<String, String> settings,
        Map<String, String> columns,
        List<String> partitionKeys,
        List<String> primaryKey,
        Map<String, String> options,
        Position at) {

    /** What a source reads. */
    public enum SourceType {
        S3,
        CDC,
        KAFKA,
        CATALOG;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public String setting(String key) {
        return settings.get(key);
    }

    public String setting(String key, String orElse) {
        return settings.getOrDefault(key, orElse);
    }
}
