package io.tributary.jobs.quality;

import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.RowType;

/**
 * {@code 'connector' = 'tributary-quality-results'}: measures a ruleset over each checkpoint's
 * records and keeps the results in the catalog store ({@link QualityResultsSink}). The translator
 * feeds it from a ruleset's checked view; it is not meant to be declared by hand.
 */
public final class QualityResultsFactory implements DynamicTableSinkFactory {

    public static final String IDENTIFIER = "tributary-quality-results";

    public static final ConfigOption<String> STORE =
            ConfigOptions.key("store")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The catalog store: a folder (embedded) or a jdbc: URL.");

    public static final ConfigOption<String> STORE_USER =
            ConfigOptions.key("store-user").stringType().noDefaultValue().withDescription("");

    public static final ConfigOption<String> STORE_PASSWORD =
            ConfigOptions.key("store-password").stringType().noDefaultValue().withDescription("");

    public static final ConfigOption<String> PIPELINE =
            ConfigOptions.key("pipeline").stringType().noDefaultValue().withDescription("");

    public static final ConfigOption<String> RULESET =
            ConfigOptions.key("ruleset")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Where the ruleset is: <pipeline>/<transform or sink>.");

    public static final ConfigOption<String> RULES =
            ConfigOptions.key("rules")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The ruleset's DQDL text.");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(STORE, PIPELINE, RULESET, RULES);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(STORE_USER, STORE_PASSWORD);
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        ReadableConfig o = helper.getOptions();
        return new QualityResultsSink(
                new QualityResultsSink.Settings(
                        o.get(STORE),
                        o.get(STORE_USER),
                        o.get(STORE_PASSWORD),
                        o.get(PIPELINE),
                        o.get(RULESET),
                        o.get(RULES)),
                (RowType) context.getPhysicalRowDataType().getLogicalType());
    }
}
