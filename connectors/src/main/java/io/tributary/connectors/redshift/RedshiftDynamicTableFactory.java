package io.tributary.connectors.redshift;

import io.tributary.connectors.redshift.internal.SinkSpec;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.RowType;

/** {@code 'connector' = 'tributary-redshift'}: the exactly-once warehouse sink for Flink SQL. */
public final class RedshiftDynamicTableFactory implements DynamicTableSinkFactory {

    public static final String IDENTIFIER = "tributary-redshift";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(RedshiftConnectorOptions.URL, RedshiftConnectorOptions.TABLE_NAME);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(
                RedshiftConnectorOptions.USERNAME,
                RedshiftConnectorOptions.PASSWORD,
                RedshiftConnectorOptions.SCHEMA_NAME,
                RedshiftConnectorOptions.SINK_MODE,
                RedshiftConnectorOptions.SINK_NAME,
                RedshiftConnectorOptions.BOOKMARK_SCHEMA,
                RedshiftConnectorOptions.AUTO_CREATE,
                RedshiftConnectorOptions.SCHEMA_EVOLUTION,
                RedshiftConnectorOptions.STAGING,
                RedshiftConnectorOptions.STAGING_PATH,
                RedshiftConnectorOptions.IAM_ROLE,
                RedshiftConnectorOptions.S3_REGION,
                RedshiftConnectorOptions.PRE_ACTIONS,
                RedshiftConnectorOptions.POST_ACTIONS,
                RedshiftConnectorOptions.STAGING_BUFFER_BYTES,
                RedshiftConnectorOptions.CONNECT_TIMEOUT,
                RedshiftConnectorOptions.SSL_MODE,
                RedshiftConnectorOptions.SSL_ROOT_CERT,
                RedshiftConnectorOptions.FRESHNESS_COLUMN,
                RedshiftConnectorOptions.SINK_KEYS,
                RedshiftConnectorOptions.DIMENSION_KEY_COLUMN,
                RedshiftConnectorOptions.DIMENSION_COLUMNS,
                FactoryUtil.SINK_PARALLELISM);
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig options = helper.getOptions();
        ResolvedSchema schema = context.getCatalogTable().getResolvedSchema();
        List<String> keys =
                schema.getPrimaryKey()
                        .map(UniqueConstraint::getColumns)
                        .or(() -> options.getOptional(RedshiftConnectorOptions.SINK_KEYS))
                        .orElse(List.of());
        RowType rowType = (RowType) schema.toPhysicalRowDataType().getLogicalType();
        // the job's checkpoint directory, when the client's configuration names one: shared
        // storage that outlives the tasks, where the rows of a checkpoint can wait as files
        SinkSpec spec =
                new SinkSpec(
                        options,
                        rowType,
                        keys,
                        context.getConfiguration()
                                .getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        return new RedshiftDynamicSink(
                spec, options.getOptional(FactoryUtil.SINK_PARALLELISM).orElse(null));
    }
}
