package io.tributary.connectors.s3;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceProvider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;

/** The table source behind {@code tributary-s3}: the FLIP-27 {@link S3FileSource}. */
final class S3DynamicSource implements ScanTableSource {

    private final S3SourceConfig config;
    private final DecodingFormat<DeserializationSchema<RowData>> format;
    private final DataType rowType;

    S3DynamicSource(
            S3SourceConfig config,
            DecodingFormat<DeserializationSchema<RowData>> format,
            DataType rowType) {
        this.config = config;
        this.format = format;
        this.rowType = rowType;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        return format.getChangelogMode();
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        DeserializationSchema<RowData> decoder = format.createRuntimeDecoder(context, rowType);
        return SourceProvider.of(new S3FileSource<>(config, decoder));
    }

    @Override
    public DynamicTableSource copy() {
        return new S3DynamicSource(config, format, rowType);
    }

    @Override
    public String asSummaryString() {
        return "tributary-s3(" + config.location() + ")";
    }
}
