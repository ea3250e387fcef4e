package io.tributary.connectors.yaml;

import java.util.List;
import java.util.Optional;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A source's or sink's block of a pipeline file as its connector's {@link EndpointVocabulary}
 * checks it: the values of its keys (variables resolved) and errors that point at a key's line.
 */
@PublicEvolving
public interface YamlBlock {

    /** The source's or sink's name. */
    String name();

    Optional<String> string(String key);

    /** The value, or an error at the block saying the key is required. */
    String required(String key);

    /** The value (or the default when absent), or an error listing the allowed values. */
    String oneOf(String key, String defaultValue, String... allowed);

    /** Checks that the key, when present, holds a duration such as {@code 30 s} or {@code PT1M}. */
    void duration(String key);

    /** A list value (a YAML sequence or a comma-separated string); empty when absent. */
    List<String> strings(String key);

    /** The column names the block declares, in order; empty when it declares none. */
    List<String> columns();

    /** The primary key (a source) or the keys (a sink); empty when none. */
    List<String> keys();

    /** A pipeline-wide default for this block's key (settings: bad-records, schema-evolution). */
    Optional<String> pipelineDefault(String key);

    /** An error at the key's line (or the block's when the key is absent). */
    RuntimeException error(String key, String message);
}
