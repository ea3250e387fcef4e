package io.tributary.connectors.redshift;

import io.tributary.connectors.redshift.internal.SinkSpec;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;

/** The Table API face of {@link RedshiftSink}: upsert with a primary key, insert-only without. */
final class RedshiftDynamicSink implements DynamicTableSink {

    private final SinkSpec spec;
    private final Integer parallelism;

    RedshiftDynamicSink(SinkSpec spec, Integer parallelism) {
        this.spec = spec;
        this.parallelism = parallelism;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requested) {
        // a dimension join's rows are inserts: joined rows and dimension changes, never retracted
        return spec.mode() == SinkMode.UPSERT && spec.dimension().isEmpty()
                ? ChangelogMode.upsert()
                : ChangelogMode.insertOnly();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        return SinkV2Provider.of(
                new RedshiftSink(spec, parallelism == null ? 0 : parallelism), parallelism);
    }

    @Override
    public DynamicTableSink copy() {
        return new RedshiftDynamicSink(spec, parallelism);
    }

    @Override
    public String asSummaryString() {
        return "tributary-redshift(" + spec.dialect().name() + " " + spec.target() + ")";
    }
}
