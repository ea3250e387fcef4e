package io.tributary.connectors.yaml;

import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A checked source or sink of a pipeline file, as its connector's {@link EndpointVocabulary} turns
 * it into table options.
 *
 * @param name the source's or sink's name
 * @param settings its own YAML keys' values (defaults filled in by the vocabulary's check)
 * @param keys the primary key (a source) or the keys (a sink)
 * @param home the Tributary home the pipeline runs under (catalog, quarantine defaults)
 */
@PublicEvolving
public record YamlEndpoint(
        String name, Map<String, String> settings, List<String> keys, String home) {

    public String get(String key) {
        return settings.get(key);
    }

    public String get(String key, String orElse) {
        return settings.getOrDefault(key, orElse);
    }
}
