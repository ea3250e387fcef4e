package io.tributary.connectors.s3;

import io.tributary.connectors.storage.S3AccessOptions;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.formats.json.JsonFormatOptions;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DeserializationFormatFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;

/** {@code 'connector' = 'tributary-s3'} with any Flink line format ({@code 'format' = 'json'}). */
@PublicEvolving
public final class S3DynamicTableFactory implements DynamicTableSourceFactory {

    public static final String IDENTIFIER = "tributary-s3";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(S3ConnectorOptions.PATH, FactoryUtil.FORMAT);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options =
                new HashSet<>(
                        Set.of(
                                S3ConnectorOptions.SCAN_MODE,
                                S3ConnectorOptions.SCAN_INTERVAL,
                                S3ConnectorOptions.SCAN_RESCAN_INTERVAL,
                                S3ConnectorOptions.SCAN_CLOCK_SKEW,
                                S3ConnectorOptions.SCAN_STARTUP_MODE,
                                S3ConnectorOptions.SCAN_MODIFIED_FILES,
                                S3ConnectorOptions.SCAN_SPLIT_SIZE,
                                S3ConnectorOptions.SCAN_HEADER_LINES,
                                S3ConnectorOptions.SCAN_RECORD_LAYOUT,
                                S3ConnectorOptions.SCAN_JSON_PATH,
                                S3ConnectorOptions.SCAN_MAX_LINE,
                                S3ConnectorOptions.SCAN_MULTI_LINE,
                                S3ConnectorOptions.SCAN_BAD_RECORDS,
                                S3ConnectorOptions.SCAN_QUARANTINE_PATH,
                                S3ConnectorOptions.SCAN_QUARANTINE_PII));
        options.addAll(S3AccessOptions.OPTIONS);
        return options;
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        // avro and parquet are read from whole files by Tributary itself; any other format is a
        // Flink line format
        boolean bulk =
                S3SourceConfigs.bulkFormat(helper.getOptions().get(FactoryUtil.FORMAT)) != null;
        DecodingFormat<DeserializationSchema<RowData>> format =
                bulk
                        ? null
                        : helper.discoverDecodingFormat(
                                DeserializationFormatFactory.class, FactoryUtil.FORMAT);
        helper.validate();
        String formatName = helper.getOptions().get(FactoryUtil.FORMAT);
        String jsonTimestamps =
                "json".equals(formatName)
                        ? context.getCatalogTable()
                                .getOptions()
                                .getOrDefault(
                                        "json." + JsonFormatOptions.TIMESTAMP_FORMAT.key(),
                                        JsonFormatOptions.TIMESTAMP_FORMAT.defaultValue())
                        : null;
        return new S3DynamicSource(
                S3SourceConfigs.from(helper.getOptions()),
                format,
                context.getPhysicalRowDataType(),
                context.getCatalogTable().getPartitionKeys(),
                jsonTimestamps);
    }
}
