package io.tributary.jobs.values;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.ProviderContext;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.connector.source.DataStreamScanProvider;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.Row;

/**
 * {@code 'connector' = 'tributary-values'}: a bounded changelog source of the rows a test declared
 * ({@link Values#source}) and a sink that materializes what it receives ({@link Values#sinkRows}),
 * so whole pipelines run in unit-speed tests without a database, a broker or S3, as Flink CDC's
 * values connector lets its composer be tested.
 */
public final class ValuesTableFactory
        implements DynamicTableSourceFactory, DynamicTableSinkFactory {

    public static final String IDENTIFIER = "tributary-values";

    public static final ConfigOption<String> ID =
            ConfigOptions.key("id")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Which rows of Values a source emits or a sink fills.");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(ID);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of();
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        return new Source(helper.getOptions().get(ID), context.getPhysicalRowDataType());
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        return new SinkTable(helper.getOptions().get(ID), context.getPhysicalRowDataType());
    }

    private record Source(String id, DataType type) implements ScanTableSource {

        @Override
        public ChangelogMode getChangelogMode() {
            return ChangelogMode.all();
        }

        @Override
        public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
            DataStructureConverter converter = context.createDataStructureConverter(type);
            converter.open(
                    DynamicTableSource.DataStructureConverter.Context.create(
                            ValuesTableFactory.class.getClassLoader()));
            InternalTypeInfo<RowData> phasedInfo =
                    InternalTypeInfo.of((RowType) type.getLogicalType());
            if (Values.sourcePhases(id) != null) {
                return new DataStreamScanProvider() {
                    @Override
                    public DataStream<RowData> produceDataStream(
                            ProviderContext provider, StreamExecutionEnvironment env) {
                        return env.addSource(new PhasedSource(id, converter), "values " + id)
                                .returns(phasedInfo)
                                .setParallelism(1);
                    }

                    @Override
                    public boolean isBounded() {
                        return false;
                    }
                };
            }
            List<RowData> rows = new ArrayList<>();
            for (Row r : Values.sourceRows(id)) {
                rows.add((RowData) converter.toInternal(r));
            }
            InternalTypeInfo<RowData> info = InternalTypeInfo.of((RowType) type.getLogicalType());
            return new DataStreamScanProvider() {
                @Override
                public DataStream<RowData> produceDataStream(
                        ProviderContext provider, StreamExecutionEnvironment env) {
                    return env.fromData(info, rows.toArray(RowData[]::new))
                            .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks());
                }

                @Override
                public boolean isBounded() {
                    return true;
                }
            };
        }

        @Override
        public DynamicTableSource copy() {
            return new Source(id, type);
        }

        @Override
        public String asSummaryString() {
            return IDENTIFIER + "(" + id + ")";
        }
    }

    private record SinkTable(String id, DataType type) implements DynamicTableSink {

        @Override
        public ChangelogMode getChangelogMode(ChangelogMode requested) {
            return ChangelogMode.all();
        }

        @Override
        public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
            DataStructureConverter converter = context.createDataStructureConverter(type);
            return SinkV2Provider.of(new CollectingSink(id, converter));
        }

        @Override
        public DynamicTableSink copy() {
            return new SinkTable(id, type);
        }

        @Override
        public String asSummaryString() {
            return IDENTIFIER + "(" + id + ")";
        }
    }

    /** Applies every change it receives to the id's table in {@link Values}. */
    private record CollectingSink(String id, DynamicTableSink.DataStructureConverter converter)
            implements Sink<RowData> {

        @Override
        public SinkWriter<RowData> createWriter(WriterInitContext context) {
            converter.open(
                    DynamicTableSink.DataStructureConverter.Context.create(
                            ValuesTableFactory.class.getClassLoader()));
            return new SinkWriter<>() {
                @Override
                public void write(RowData row, Context c) {
                    Values.apply(id, (Row) converter.toExternal(row));
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }

        @Deprecated
        @Override
        public SinkWriter<RowData> createWriter(InitContext context) {
            throw new UnsupportedOperationException("createWriter(WriterInitContext)");
        }
    }

    /**
     * Emits a source's phases ({@link Values#phases}): a phase's rows, then nothing until a
     * checkpoint taken after them completed.
     */
    static final class PhasedSource
            implements org.apache.flink.streaming.api.functions.source.SourceFunction<RowData>,
                    org.apache.flink.api.common.state.CheckpointListener,
                    org.apache.flink.streaming.api.checkpoint.CheckpointedFunction {
        private final String id;
        private final DynamicTableSource.DataStructureConverter converter;
        private volatile boolean running = true;
        private volatile long snapshotted = -1;
        private volatile long completed = -1;

        PhasedSource(String id, DynamicTableSource.DataStructureConverter converter) {
            this.id = id;
            this.converter = converter;
        }

        @Override
        public void run(SourceContext<RowData> ctx) throws Exception {
            converter.open(
                    DynamicTableSource.DataStructureConverter.Context.create(
                            ValuesTableFactory.class.getClassLoader()));
            List<List<Row>> phases = Values.sourcePhases(id);
            for (int p = 0; p < phases.size() && running; p++) {
                Values.onPhase(id, p);
                long after;
                synchronized (ctx.getCheckpointLock()) {
                    for (Row r : phases.get(p)) {
                        ctx.collect((RowData) converter.toInternal(r));
                    }
                    after = snapshotted;
                }
                // a checkpoint whose barrier follows the phase's rows, completed
                while (running && snapshotted <= after) {
                    Thread.sleep(20);
                }
                long target = snapshotted;
                while (running && completed < target) {
                    Thread.sleep(20);
                }
            }
            Values.onPhase(id, phases.size());
        }

        @Override
        public void cancel() {
            running = false;
        }

        @Override
        public void snapshotState(org.apache.flink.runtime.state.FunctionSnapshotContext context) {
            snapshotted = context.getCheckpointId();
        }

        @Override
        public void initializeState(
                org.apache.flink.runtime.state.FunctionInitializationContext context) {}

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            completed = Math.max(completed, checkpointId);
        }
    }
}
