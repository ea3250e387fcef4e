package io.tributary.connectors.lake;

import static io.tributary.connectors.yaml.EndpointVocabulary.put;

import io.tributary.connectors.storage.S3AccessOptions;
import io.tributary.connectors.yaml.EndpointVocabulary;
import io.tributary.connectors.yaml.YamlBlock;
import io.tributary.connectors.yaml.YamlEndpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * {@code type: lake} in a pipeline file: an Apache Iceberg table of Tributary's catalog ({@code
 * table: database.table}) on S3, written exactly once, which Spark, Trino and other engines read
 * through the catalog's Iceberg REST endpoint. Each YAML key maps to one of {@link
 * LakeConnectorOptions}.
 */
@Internal
public final class LakeYaml implements EndpointVocabulary {

    public static final LakeYaml SINK = new LakeYaml();

    private LakeYaml() {}

    @Override
    public String type() {
        return "lake";
    }

    @Override
    public Role role() {
        return Role.SINK;
    }

    @Override
    public Set<String> keys() {
        Set<String> keys =
                new LinkedHashSet<>(
                        List.of(
                                "table",
                                "warehouse",
                                "store",
                                "store-user",
                                "store-password",
                                "mode",
                                "partition-by",
                                "target-file-size",
                                "schema-evolution",
                                "compaction-interval",
                                "snapshot-max-age",
                                "snapshot-retain-last"));
        keys.addAll(S3AccessOptions.yamlKeys());
        return keys;
    }

    @Override
    public Set<String> listKeys() {
        return Set.of("partition-by");
    }

    @Override
    public Map<String, String> check(YamlBlock b) {
        String table = b.required("table");
        if (table.split("\\.", -1).length != 2 || table.startsWith(".") || table.endsWith(".")) {
            throw b.error(
                    "table", "'" + table + "' is not database.table (the catalog's database)");
        }
        String warehouse = b.required("warehouse");
        if (!warehouse.matches("(s3a?|file)://.+|/.+")) {
            throw b.error(
                    "warehouse",
                    "'" + warehouse + "' is not an s3://bucket/prefix, file:// or absolute path");
        }
        b.string("target-file-size")
                .ifPresent(
                        v -> {
                            try {
                                MemorySize.parse(v);
                            } catch (IllegalArgumentException e) {
                                throw b.error(
                                        "target-file-size",
                                        "'" + v + "' is not a size such as 128 mb");
                            }
                        });
        b.duration("compaction-interval");
        b.duration("snapshot-max-age");
        b.string("snapshot-retain-last")
                .ifPresent(
                        v -> {
                            if (!v.matches("[1-9]\\d{0,8}")) {
                                throw b.error(
                                        "snapshot-retain-last",
                                        "'" + v + "' is not a number of snapshots (1 or more)");
                            }
                        });
        // a list, or one string: rejoined, then split where commas are not inside parentheses
        String partitionBy = String.join(", ", b.strings("partition-by"));
        List<String> parts = PartitionTransforms.parts(partitionBy);
        for (String part : parts) {
            // the columns are checked when the job is planned: a sink's come from its input
            if (!part.matches(
                    "[\\w`]+|(?i)(years?|months?|days?|hours?|identity)\\(\\s*[\\w`]+\\s*\\)|(?i)(bucket|truncate)\\(\\s*\\d+\\s*,\\s*[\\w`]+\\s*\\)")) {
                throw b.error(
                        "partition-by",
                        "'"
                                + part
                                + "' is not a column, year(c), month(c), day(c), hour(c),"
                                + " bucket(N, c) or truncate(W, c)");
            }
        }
        Map<String, String> resolved = EndpointVocabulary.none();
        EndpointVocabulary.checkSinkModeAndEvolution(b, resolved);
        resolved.put("partition-by", String.join(", ", parts));
        if (parts.isEmpty()) {
            resolved.remove("partition-by");
        }
        return resolved;
    }

    @Override
    public Map<String, String> options(YamlEndpoint s) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put(FactoryUtil.CONNECTOR.key(), LakeDynamicTableFactory.IDENTIFIER);
        String[] table = s.get("table").split("\\.", 2);
        o.put(LakeConnectorOptions.DATABASE.key(), table[0]);
        o.put(LakeConnectorOptions.TABLE.key(), table[1]);
        o.put(LakeConnectorOptions.WAREHOUSE.key(), s.get("warehouse"));
        o.put(
                LakeConnectorOptions.CATALOG_STORE.key(),
                s.get("store", Path.of(s.home()).resolve("catalog").toString()));
        put(o, LakeConnectorOptions.CATALOG_STORE_USER, s.get("store-user"));
        put(o, LakeConnectorOptions.CATALOG_STORE_PASSWORD, s.get("store-password"));
        o.put(LakeConnectorOptions.SINK_MODE.key(), s.get("mode"));
        put(o, LakeConnectorOptions.PARTITION_BY, s.get("partition-by"));
        put(o, LakeConnectorOptions.TARGET_FILE_SIZE, s.get("target-file-size"));
        o.put(LakeConnectorOptions.SCHEMA_EVOLUTION.key(), s.get("schema-evolution", "evolve"));
        put(o, LakeConnectorOptions.COMPACTION_INTERVAL, s.get("compaction-interval"));
        put(o, LakeConnectorOptions.SNAPSHOTS_MAX_AGE, s.get("snapshot-max-age"));
        put(o, LakeConnectorOptions.SNAPSHOTS_RETAIN_LAST, s.get("snapshot-retain-last"));
        S3AccessOptions.fromYaml(s, o);
        return o;
    }
}
