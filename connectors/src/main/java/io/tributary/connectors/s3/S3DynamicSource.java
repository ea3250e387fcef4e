package io.tributary.connectors.s3;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.format.DecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceProvider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

/** The table source behind {@code tributary-s3}: the FLIP-27 {@link S3FileSource}. */
final class S3DynamicSource implements ScanTableSource {

    private final S3SourceConfig config;
    private final DecodingFormat<DeserializationSchema<RowData>> format;
    private final DataType rowType;
    private final List<String> partitionKeys;

    /** JSON's timestamp standard ("SQL", "ISO-8601") when the format is json; else null. */
    private final String jsonTimestamps;

    S3DynamicSource(
            S3SourceConfig config,
            DecodingFormat<DeserializationSchema<RowData>> format,
            DataType rowType,
            List<String> partitionKeys,
            String jsonTimestamps) {
        this.config = config;
        this.format = format;
        this.rowType = rowType;
        this.partitionKeys = List.copyOf(partitionKeys);
        this.jsonTimestamps = jsonTimestamps;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        return format == null ? ChangelogMode.insertOnly() : format.getChangelogMode();
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        if (partitionKeys.isEmpty()) {
            return SourceProvider.of(
                    format == null
                            ? new S3FileSource<>(
                                    config,
                                    new AvroRowDecoder((RowType) rowType.getLogicalType())::decode,
                                    null,
                                    producedType(context))
                            : new S3FileSource<>(config, decoder(context, rowType)));
        }
        // the files hold the data columns; the partition columns (last) come from the folders
        List<String> names = DataType.getFieldNames(rowType);
        List<DataType> types = DataType.getFieldDataTypes(rowType);
        int data = names.size() - partitionKeys.size();
        if (!names.subList(data, names.size()).equals(partitionKeys)) {
            throw new ValidationException(
                    "tributary-s3 needs the partition columns "
                            + partitionKeys
                            + " last in the schema, in that order; the schema is "
                            + names);
        }
        List<DataTypes.Field> fields = new ArrayList<>();
        for (int i = 0; i < data; i++) {
            fields.add(DataTypes.FIELD(names.get(i), types.get(i)));
        }
        DataType dataRow = DataTypes.ROW(fields).notNull();
        PathFields path =
                new PathFields(
                        partitionKeys,
                        types.subList(data, names.size()).stream()
                                .map(DataType::getLogicalType)
                                .toList());
        if (format == null) {
            return SourceProvider.of(
                    new S3FileSource<>(
                            config,
                            new AvroRowDecoder((RowType) dataRow.getLogicalType())::decode,
                            path::append,
                            producedType(context)));
        }
        return SourceProvider.of(
                new S3FileSource<>(config, decoder(context, dataRow), path::append));
    }

    /** The line format's decoder of {@code row}; JSON's with its fast timestamps and dates. */
    private DeserializationSchema<RowData> decoder(ScanContext context, DataType row) {
        if (jsonTimestamps == null) {
            return format.createRuntimeDecoder(context, row);
        }
        return TemporalJsonDecoder.of(
                format, context, row, "ISO-8601".equalsIgnoreCase(jsonTimestamps));
    }

    @SuppressWarnings("unchecked")
    private TypeInformation<RowData> producedType(ScanContext context) {
        return (TypeInformation<RowData>)
                (TypeInformation<?>) context.createTypeInformation(rowType);
    }

    @Override
    public DynamicTableSource copy() {
        return new S3DynamicSource(config, format, rowType, partitionKeys, jsonTimestamps);
    }

    @Override
    public String asSummaryString() {
        return "tributary-s3(" + config.location() + ")";
    }
}
