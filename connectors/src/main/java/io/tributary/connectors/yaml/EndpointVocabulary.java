package io.tributary.connectors.yaml;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;

/**
 * A connector's side of a pipeline file: the YAML keys of its source or sink type, their checks,
 * and the connector options they become. It lives beside the connector's {@code XConnectorOptions},
 * so a new option is one edit in the connector's package; the pipeline parser only hands the block
 * over, as Flink CDC's composer hands a source's config to its factory.
 */
@PublicEvolving
public interface EndpointVocabulary {

    /** Whether a vocabulary's blocks are sources or sinks. */
    enum Role {
        SOURCE,
        SINK
    }

    /** The {@code type:} a block names to be read by this vocabulary. */
    String type();

    Role role();

    /** Older names of {@link #type()} that still work. */
    default Set<String> aliases() {
        return Set.of();
    }

    /**
     * Whether {@link #options} are a Flink catalog's, the block's {@code table} one of its tables,
     * rather than one table's connector options.
     */
    default boolean catalog() {
        return false;
    }

    /** The YAML keys this type takes besides the common ones (name, type, options, ...). */
    Set<String> keys();

    /**
     * The keys among {@link #keys()} whose value may be a YAML list; {@link #check} reads them with
     * {@link YamlBlock#strings} and puts what they resolve to in its result.
     */
    default Set<String> listKeys() {
        return Set.of();
    }

    /** Whether the block must declare its columns (a catalog table brings its own). */
    default boolean needsColumns() {
        return true;
    }

    /**
     * Checks the block's values, with errors at their lines; returns the settings it resolves
     * beyond what the block says (defaults that depend on other keys or the pipeline's settings).
     */
    Map<String, String> check(YamlBlock block);

    /** The table options of the connector, before the block's own {@code options} go on top. */
    Map<String, String> options(YamlEndpoint endpoint);

    /** Puts {@code key = value} when the value is there. */
    static void put(Map<String, String> o, ConfigOption<?> key, String value) {
        put(o, key.key(), value);
    }

    /** Puts {@code key = value} under a key built from a prefix, when the value is there. */
    static void put(Map<String, String> o, String key, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(key, value);
        }
    }

    /**
     * A sink's {@code mode}: upsert (the default with keys) or append; upsert needs keys. Also the
     * sink's {@code schema-evolution} (evolve or fail, the pipeline's setting by default). Both go
     * into {@code resolved}.
     */
    static void checkSinkModeAndEvolution(YamlBlock b, Map<String, String> resolved) {
        boolean keyed = !b.keys().isEmpty();
        String mode = b.oneOf("mode", keyed ? "upsert" : "append", "upsert", "append");
        if (mode.equals("upsert") && !keyed) {
            throw b.error(
                    "keys", "is required with mode: upsert (the columns a row is matched on)");
        }
        resolved.put("mode", mode);
        resolved.put(
                "schema-evolution",
                b.oneOf(
                        "schema-evolution",
                        b.pipelineDefault("schema-evolution").orElse("evolve"),
                        "evolve",
                        "fail"));
    }

    /**
     * Checks {@code ssl-mode}, TLS to a database in libpq's sslmode names, for PostgreSQL, Redshift
     * and MySQL alike (each connector maps them to its driver's).
     */
    static void checkSslMode(YamlBlock b) {
        b.oneOf(
                "ssl-mode",
                null,
                "disable",
                "allow",
                "prefer",
                "require",
                "verify-ca",
                "verify-full");
    }

    /** No resolved settings. */
    static Map<String, String> none() {
        return new HashMap<>();
    }
}
