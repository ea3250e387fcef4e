package io.tributary.jobs.definition;

import java.util.List;
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
        WAREHOUSE,
        KAFKA;

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
