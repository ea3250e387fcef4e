package io.tributary.connectors.cdc;

import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceProvider;
import org.apache.flink.table.connector.source.abilities.SupportsReadingMetadata;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;

/**
 * Flink CDC's table source with Tributary's progress and errors around its source ({@link
 * ProgressSource}); planning (changelog mode, metadata columns) is Flink CDC's.
 */
final class CdcDynamicSource implements ScanTableSource, SupportsReadingMetadata {

    private final ScanTableSource delegate;
    private final String table;
    private final ProgressSource.Estimates estimates;

    /** {@code delegate} also implements {@link SupportsReadingMetadata}. */
    CdcDynamicSource(ScanTableSource delegate, String table, ProgressSource.Estimates estimates) {
        this.delegate = delegate;
        this.table = table;
        this.estimates = estimates;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        return delegate.getChangelogMode();
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        ScanRuntimeProvider provider = delegate.getScanRuntimeProvider(context);
        if (!(provider instanceof SourceProvider sources)) {
            // Flink CDC's legacy SourceFunction ('scan.incremental.snapshot.enabled' = 'false')
            return provider;
        }
        Source<RowData, ?, ?> source = sources.createSource();
        if (!(source instanceof ResultTypeQueryable<?> typed)) {
            return provider;
        }
        Source<RowData, ?, ?> counted =
                ProgressSource.wrap(
                        (Source) source,
                        (TypeInformation<RowData>) typed.getProducedType(),
                        ProgressSource.rowsOf(table),
                        estimates,
                        List.of(table));
        return SourceProvider.of(counted, sources.getParallelism().orElse(null));
    }

    @Override
    public DynamicTableSource copy() {
        return new CdcDynamicSource((ScanTableSource) delegate.copy(), table, estimates);
    }

    @Override
    public String asSummaryString() {
        return "Tributary CDC: " + delegate.asSummaryString();
    }

    @Override
    public Map<String, DataType> listReadableMetadata() {
        return ((SupportsReadingMetadata) delegate).listReadableMetadata();
    }

    @Override
    public void applyReadableMetadata(List<String> metadataKeys, DataType producedDataType) {
        ((SupportsReadingMetadata) delegate).applyReadableMetadata(metadataKeys, producedDataType);
    }

    @Override
    public boolean supportsMetadataProjection() {
        return ((SupportsReadingMetadata) delegate).supportsMetadataProjection();
    }
}
