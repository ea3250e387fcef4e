package io.tributary.connectors.storage;

import io.tributary.catalog.iceberg.IcebergStorage;
import io.tributary.connectors.yaml.EndpointVocabulary;
import io.tributary.connectors.yaml.YamlEndpoint;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Where and how to reach S3 (or an S3-compatible server): declared once, for every connector and
 * the catalog that read or write objects, so {@code s3.endpoint} means the same thing everywhere.
 */
public final class S3AccessOptions {

    private S3AccessOptions() {}

    public static final ConfigOption<String> ENDPOINT =
            ConfigOptions.key("s3.endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("An S3-compatible endpoint (default: AWS).");

    public static final ConfigOption<String> REGION =
            ConfigOptions.key("s3.region").stringType().noDefaultValue().withDescription("Region.");

    public static final ConfigOption<Boolean> PATH_STYLE =
            ConfigOptions.key("s3.path-style")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription("Path-style addressing (most S3-compatible servers).");

    public static final ConfigOption<String> ACCESS_KEY =
            ConfigOptions.key("s3.access-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Access key; without it the AWS default credential chain is used"
                                    + " (environment, profile, instance or pod role).");

    public static final ConfigOption<String> SECRET_KEY =
            ConfigOptions.key("s3.secret-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Secret key, with s3.access-key.");

    /**
     * Where and how to reach S3: endpoint, region, path style and keys (the {@code s3.*} options).
     */
    public static final List<ConfigOption<?>> OPTIONS =
            List.of(ENDPOINT, REGION, PATH_STYLE, ACCESS_KEY, SECRET_KEY);

    /** The prefix of the access options' keys; a pipeline's YAML names them without it. */
    public static final String PREFIX = "s3.";

    /** The YAML keys of S3 access in a pipeline block: endpoint, region, path-style, ... */
    public static Set<String> yamlKeys() {
        Set<String> keys = new LinkedHashSet<>();
        OPTIONS.forEach(o -> keys.add(yamlKey(o)));
        return keys;
    }

    /** A block's S3 access keys as these options. */
    public static void fromYaml(YamlEndpoint s, Map<String, String> o) {
        OPTIONS.forEach(option -> EndpointVocabulary.put(o, option, s.get(yamlKey(option))));
    }

    /** An access option's YAML key: its own key without {@code s3.}. */
    private static String yamlKey(ConfigOption<?> option) {
        return option.key().substring(PREFIX.length());
    }

    /** These options as Iceberg's {@code S3FileIO} properties (the lake and its readers). */
    public static Map<String, String> icebergProperties(ReadableConfig o) {
        return IcebergStorage.s3(
                o.get(ENDPOINT),
                o.get(REGION),
                o.get(PATH_STYLE),
                o.get(ACCESS_KEY),
                o.get(SECRET_KEY));
    }
}
