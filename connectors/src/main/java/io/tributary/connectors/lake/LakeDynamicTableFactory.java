package io.tributary.connectors.lake;

import io.tributary.connectors.storage.S3AccessOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * {@code 'connector' = 'tributary-lake'}: an Iceberg table of Tributary's catalog as a Flink SQL
 * sink, append or upsert, exactly once.
 */
public final class LakeDynamicTableFactory implements DynamicTableSinkFactory {

    public static final String IDENTIFIER = "tributary-lake";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(
                LakeConnectorOptions.CATALOG_STORE,
                LakeConnectorOptions.WAREHOUSE,
                LakeConnectorOptions.DATABASE,
                LakeConnectorOptions.TABLE);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> o = new HashSet<>(S3AccessOptions.OPTIONS);
        o.add(LakeConnectorOptions.CATALOG_STORE_USER);
        o.add(LakeConnectorOptions.CATALOG_STORE_PASSWORD);
        o.add(LakeConnectorOptions.SINK_MODE);
        o.add(LakeConnectorOptions.PARTITION_BY);
        o.add(LakeConnectorOptions.TARGET_FILE_SIZE);
        o.add(LakeConnectorOptions.SCHEMA_EVOLUTION);
        o.add(LakeConnectorOptions.COMPACTION_INTERVAL);
        o.add(LakeConnectorOptions.SNAPSHOTS_MAX_AGE);
        o.add(LakeConnectorOptions.SNAPSHOTS_RETAIN_LAST);
        o.add(FactoryUtil.SINK_PARALLELISM);
        // a pipeline's dimension join (join-state: dimension) names the same three as for a
        // warehouse sink
        o.add(io.tributary.connectors.changes.DimensionChanges.SINK_KEYS);
        o.add(io.tributary.connectors.changes.DimensionChanges.DIMENSION_KEY_COLUMN);
        o.add(io.tributary.connectors.changes.DimensionChanges.DIMENSION_COLUMNS);
        return o;
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig o = helper.getOptions();
        ResolvedSchema schema = context.getCatalogTable().getResolvedSchema();
        List<String> keys =
                schema.getPrimaryKey().map(UniqueConstraint::getColumns).orElse(List.of());
        LakeDynamicSink.Dimension dimension = dimension(o, schema);
        if (dimension != null) {
            keys =
                    o.getOptional(io.tributary.connectors.changes.DimensionChanges.SINK_KEYS)
                            .orElse(List.of());
            schema = withoutDimensionColumns(schema);
            if (keys.isEmpty()
                    || !"upsert"
                            .equals(
                                    o.getOptional(LakeConnectorOptions.SINK_MODE)
                                            .orElse("upsert")
                                            .toLowerCase(Locale.ROOT))) {
                throw new ValidationException(
                        "A dimension join's rows are written by keys: the lake sink needs '"
                                + io.tributary.connectors.changes.DimensionChanges.SINK_KEYS.key()
                                + "' and upsert mode (a change rewrites the rows it keys)");
            }
        }
        String mode =
                o.getOptional(LakeConnectorOptions.SINK_MODE)
                        .orElse(keys.isEmpty() ? "append" : "upsert")
                        .toLowerCase(Locale.ROOT);
        if (!mode.equals("append") && !mode.equals("upsert")) {
            throw new ValidationException(
                    "'"
                            + LakeConnectorOptions.SINK_MODE.key()
                            + "' is append or upsert, not "
                            + mode);
        }
        if (mode.equals("upsert") && keys.isEmpty()) {
            throw new ValidationException(
                    "An upsert into the lake needs a primary key (the columns a row is matched"
                            + " on): declare PRIMARY KEY (...) NOT ENFORCED, or keys: in the"
                            + " pipeline");
        }
        String evolution = o.get(LakeConnectorOptions.SCHEMA_EVOLUTION).toLowerCase(Locale.ROOT);
        if (!evolution.equals("evolve") && !evolution.equals("fail")) {
            throw new ValidationException(
                    "'"
                            + LakeConnectorOptions.SCHEMA_EVOLUTION.key()
                            + "' is evolve or fail, not "
                            + evolution);
        }
        TableIdentifier id =
                TableIdentifier.of(
                        o.get(LakeConnectorOptions.DATABASE), o.get(LakeConnectorOptions.TABLE));
        // a bad partition spec fails here, at planning, not in the job
        org.apache.iceberg.PartitionSpec spec =
                PartitionTransforms.parse(
                        o.get(LakeConnectorOptions.PARTITION_BY),
                        org.apache.iceberg.flink.FlinkSchemaUtil.convert(schema));
        if (mode.equals("upsert")) {
            for (org.apache.iceberg.PartitionField f : spec.fields()) {
                String column = spec.schema().findColumnName(f.sourceId());
                if (!keys.contains(column)) {
                    throw new ValidationException(
                            "An upsert lake table can only be partitioned by its key columns (a"
                                    + " row must stay in its partition when it changes): '"
                                    + column
                                    + "' is not one of the keys "
                                    + keys
                                    + "; add it to the keys (a sale's day never changes), or"
                                    + " partition by a key");
                }
            }
        }
        return new LakeDynamicSink(
                LakeCatalog.properties(o),
                id,
                schema,
                keys,
                mode.equals("upsert"),
                o.get(LakeConnectorOptions.PARTITION_BY),
                o.get(LakeConnectorOptions.TARGET_FILE_SIZE).getBytes(),
                evolution.equals("evolve"),
                o.getOptional(FactoryUtil.SINK_PARALLELISM).orElse(null),
                LakeMaintenance.of(o),
                dimension);
    }

    /** The dimension join the rows come from, by the options a pipeline sets; else null. */
    private static LakeDynamicSink.Dimension dimension(ReadableConfig o, ResolvedSchema schema) {
        var keyColumn =
                o.getOptional(
                        io.tributary.connectors.changes.DimensionChanges.DIMENSION_KEY_COLUMN);
        if (keyColumn.isEmpty()) {
            return null;
        }
        List<String> columns =
                o.get(io.tributary.connectors.changes.DimensionChanges.DIMENSION_COLUMNS);
        String change = io.tributary.connectors.changes.DimensionChanges.CHANGE_COLUMN;
        List<String> names = schema.getColumnNames();
        List<String> needed = new java.util.ArrayList<>(columns);
        needed.add(keyColumn.get());
        needed.add(change);
        for (String c : needed) {
            if (!names.contains(c)) {
                throw new ValidationException(
                        "The dimension join's column '" + c + "' is not one of " + names);
            }
        }
        return new LakeDynamicSink.Dimension(schema, keyColumn.get(), columns, change);
    }

    /** The table's columns: the input's without the dimension join's version and change flag. */
    private static ResolvedSchema withoutDimensionColumns(ResolvedSchema schema) {
        Set<String> hidden =
                Set.of(
                        io.tributary.connectors.changes.DimensionChanges.VERSION_COLUMN,
                        io.tributary.connectors.changes.DimensionChanges.CHANGE_COLUMN);
        return new ResolvedSchema(
                schema.getColumns().stream().filter(c -> !hidden.contains(c.getName())).toList(),
                List.of(),
                null);
    }
}
