package io.tributary.connectors.quarantine;

import io.tributary.objectstore.S3Settings;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkFunctionProvider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

/**
 * Writes each row it receives as one quarantine entry: the sink it was meant for, why it could not
 * go there, the row's values by column and its change kind. An entry's name is a hash of its
 * content, so a row met again after a restart replaces its entry instead of doubling it. With a
 * reason column (the data quality rules a row failed), that column is the entry's reason and its
 * {@code rules}, not one of its values.
 */
final class QuarantineSink implements DynamicTableSink {

    private final String path;
    private final String sink;
    private final List<String> keys;
    private final String reasonColumn;
    private final S3Settings s3;
    private final RowType type;

    QuarantineSink(
            String path,
            String sink,
            List<String> keys,
            String reasonColumn,
            S3Settings s3,
            RowType type) {
        this.path = path;
        this.sink = sink;
        this.keys = List.copyOf(keys);
        this.reasonColumn = reasonColumn;
        this.s3 = s3;
        this.type = type;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requested) {
        return ChangelogMode.all();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        // the job's parallelism: entries are named by their content, so any writer may write any
        return SinkFunctionProvider.of(new Writer(path, sink, keys, reasonColumn, s3, type));
    }

    @Override
    public DynamicTableSink copy() {
        return new QuarantineSink(path, sink, keys, reasonColumn, s3, type);
    }

    @Override
    public String asSummaryString() {
        return "Quarantine of " + sink;
    }

    /** The entries' writer, as a sink function. */
    static final class Writer extends RichSinkFunction<RowData> {

        private final QuarantineEntries entries;
        private transient Counter quarantined;

        Writer(
                String path,
                String sink,
                List<String> keys,
                String reasonColumn,
                S3Settings s3,
                RowType type) {
            this.entries = new QuarantineEntries(path, sink, keys, reasonColumn, s3, type);
        }

        @Override
        public void open(OpenContext context) {
            entries.open();
            quarantined = getRuntimeContext().getMetricGroup().counter("quarantinedRecords");
        }

        @Override
        public void invoke(RowData row, Context context) throws Exception {
            entries.write(row);
            quarantined.inc();
        }

        @Override
        public void close() {
            entries.close();
        }
    }
}
