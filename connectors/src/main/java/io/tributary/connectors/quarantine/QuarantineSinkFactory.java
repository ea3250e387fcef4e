package io.tributary.connectors.quarantine;

import io.tributary.connectors.storage.S3AccessOptions;
import io.tributary.objectstore.S3Settings;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.RowType;

/**
 * {@code 'connector' = 'tributary-quarantine'}: sets aside the rows a sink cannot take, each as a
 * JSON entry with its reason, where {@code tributary quarantine list} finds them. A pipeline routes
 * a keyed sink's rows with a null key here instead of failing the job on them.
 */
public final class QuarantineSinkFactory implements DynamicTableSinkFactory {

    public static final String IDENTIFIER = "tributary-quarantine";

    public static final ConfigOption<String> PATH =
            ConfigOptions.key("path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Where the entries go (s3://… or file://…).");

    public static final ConfigOption<String> SINK =
            ConfigOptions.key("sink")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where the rows were meant to go (sink orders of pipeline p), named in"
                                    + " each entry.");

    public static final ConfigOption<List<String>> KEYS =
            ConfigOptions.key("keys")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription("The sink's key columns: a null in one is the reason.");

    public static final ConfigOption<String> REASON_COLUMN =
            ConfigOptions.key("reason-column")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A column holding why each row is set aside: the data quality rules"
                                    + " it failed (a JSON array of their texts). It is the"
                                    + " entry's reason, not one of its values.");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(PATH, SINK);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> o = new HashSet<>(S3AccessOptions.OPTIONS);
        o.add(KEYS);
        o.add(REASON_COLUMN);
        return o;
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig o = helper.getOptions();
        S3Settings s3 =
                new S3Settings(
                        o.get(S3AccessOptions.ENDPOINT),
                        o.get(S3AccessOptions.REGION),
                        o.get(S3AccessOptions.PATH_STYLE),
                        o.get(S3AccessOptions.ACCESS_KEY),
                        o.get(S3AccessOptions.SECRET_KEY));
        return new QuarantineSink(
                o.get(PATH),
                o.get(SINK),
                o.get(KEYS),
                o.get(REASON_COLUMN),
                s3,
                (RowType) context.getPhysicalRowDataType().getLogicalType());
    }
}
