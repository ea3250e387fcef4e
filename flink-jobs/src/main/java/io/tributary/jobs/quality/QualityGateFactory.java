package io.tributary.jobs.quality;

import io.tributary.connectors.quarantine.QuarantineEntries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.ProviderContext;
import org.apache.flink.table.connector.sink.DataStreamSinkProvider;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkFunctionProvider;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;

/**
 * {@code 'connector' = 'tributary-quality-gate'}: a sink's connector behind a ruleset's gate
 * ({@link QualityGate}). Its options {@code inner.*} are the sink's own connector options; its
 * first {@code gate.sink-columns} columns are the sink's, the others the ruleset's (the rules a row
 * failed and the window rules' measures). The translator declares it for a sink whose {@code
 * quality:} has a {@code gate}; it is not meant to be declared by hand.
 */
public final class QualityGateFactory implements DynamicTableSinkFactory {

    public static final String IDENTIFIER = "tributary-quality-gate";
    public static final String INNER = "inner.";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of();
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        ResolvedCatalogTable table = context.getCatalogTable();
        Map<String, String> options = table.getOptions();
        Map<String, String> inner = new LinkedHashMap<>();
        options.forEach(
                (k, v) -> {
                    if (k.startsWith(INNER)) {
                        inner.put(k.substring(INNER.length()), v);
                    }
                });
        int n = Integer.parseInt(require(options, "gate.sink-columns"));
        ResolvedSchema all = table.getResolvedSchema();
        List<Column> sinkColumns = new ArrayList<>(all.getColumns().subList(0, n));
        ResolvedSchema sinkSchema =
                new ResolvedSchema(sinkColumns, List.of(), all.getPrimaryKey().orElse(null));
        ResolvedCatalogTable innerTable =
                new ResolvedCatalogTable(table.getOrigin().copy(inner), sinkSchema);
        DynamicTableSink sink =
                FactoryUtil.createDynamicTableSink(
                        null,
                        context.getObjectIdentifier(),
                        innerTable,
                        Map.of(),
                        context.getConfiguration(),
                        context.getClassLoader(),
                        context.isTemporary());
        RowType input = (RowType) context.getPhysicalRowDataType().getLogicalType();
        RowType output = (RowType) sinkSchema.toPhysicalRowDataType().getLogicalType();
        List<String> keys = all.getPrimaryKey().map(k -> k.getColumns()).orElse(List.<String>of());
        return new GatedSink(
                sink,
                new Settings(
                        require(options, "gate.what"),
                        require(options, "gate.rules"),
                        require(options, "gate.policy"),
                        Integer.parseInt(require(options, "gate.max-held-rows")),
                        Boolean.parseBoolean(options.getOrDefault("gate.forward-failed", "false")),
                        require(options, "quarantine.path"),
                        require(options, "quarantine.sink"),
                        keys),
                input,
                output);
    }

    private static String require(Map<String, String> options, String key) {
        String v = options.get(key);
        if (v == null) {
            throw new ValidationException(IDENTIFIER + " needs option '" + key + "'");
        }
        return v;
    }

    /** What the gate needs besides the sink. */
    record Settings(
            String what,
            String rules,
            String policy,
            int maxHeld,
            boolean forwardFailed,
            String quarantinePath,
            String quarantineSink,
            List<String> keys)
            implements java.io.Serializable {}

    /**
     * The sink behind the gate: the planner hands it the rows with the ruleset's columns; the gate
     * (one task) passes the sink's columns of the windows that pass, keyed by the sink's key when
     * it has one, to the sink's own runtime as the planner would have.
     */
    static final class GatedSink implements DynamicTableSink {

        private final DynamicTableSink sink;
        private final Settings settings;
        private final RowType input;
        private final RowType output;

        GatedSink(DynamicTableSink sink, Settings settings, RowType input, RowType output) {
            this.sink = sink;
            this.settings = settings;
            this.input = input;
            this.output = output;
        }

        @Override
        public ChangelogMode getChangelogMode(ChangelogMode requested) {
            return sink.getChangelogMode(requested);
        }

        @Override
        public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
            SinkRuntimeProvider inner = sink.getSinkRuntimeProvider(context);
            if (!(inner instanceof SinkV2Provider
                    || inner instanceof SinkFunctionProvider
                    || inner instanceof DataStreamSinkProvider)) {
                throw new ValidationException(
                        sink.asSummaryString()
                                + " cannot be gated: its runtime ("
                                + inner.getClass().getSimpleName()
                                + ") is not a Sink, a SinkFunction or a DataStream sink");
            }
            return new DataStreamSinkProvider() {
                @Override
                public DataStreamSink<?> consumeDataStream(
                        ProviderContext provider, DataStream<RowData> rows) {
                    org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator<RowData>
                            gate =
                                    rows.transform(
                                                    "Quality gate: " + settings.what(),
                                                    InternalTypeInfo.of(output),
                                                    new QualityGate(
                                                            settings.what(),
                                                            settings.rules(),
                                                            settings.policy(),
                                                            settings.maxHeld(),
                                                            input,
                                                            output,
                                                            settings.forwardFailed(),
                                                            quarantine()))
                                            // a task of its own (an operator's default):
                                            // chained to the rules' operator it ran slower
                                            // on 2 cores (bench/RESULTS.md, quality 03:42)
                                            .setParallelism(1)
                                            .setMaxParallelism(1);
                    provider.generateUid("quality-gate").ifPresent(gate::uid);
                    DataStream<RowData> gated = gate;
                    int sinkParallelism =
                            inner instanceof SinkV2Provider p2
                                    ? p2.getParallelism().orElse(rows.getParallelism())
                                    : inner instanceof SinkFunctionProvider p3
                                            ? p3.getParallelism().orElse(rows.getParallelism())
                                            : rows.getExecutionEnvironment().getParallelism();
                    if (!settings.keys().isEmpty() && sinkParallelism != 1) {
                        // a key's changes stay in order on their way to the sink's tasks (one
                        // sink task takes them in order as they are: no shuffle)
                        List<String> names = output.getFieldNames();
                        int[] at = settings.keys().stream().mapToInt(names::indexOf).toArray();
                        gated = gated.keyBy(new KeyOf(at, output));
                    }
                    // the sink's state keeps its name across plans (a savepoint restores it)
                    if (inner instanceof SinkV2Provider p) {
                        DataStreamSink<RowData> s = gated.sinkTo(p.createSink());
                        p.getParallelism().ifPresent(s::setParallelism);
                        provider.generateUid("gated-sink").ifPresent(s::uid);
                        return s.name(sink.asSummaryString());
                    }
                    if (inner instanceof SinkFunctionProvider p) {
                        DataStreamSink<RowData> s = gated.addSink(p.createSinkFunction());
                        p.getParallelism().ifPresent(s::setParallelism);
                        provider.generateUid("gated-sink").ifPresent(s::uid);
                        return s.name(sink.asSummaryString());
                    }
                    return ((DataStreamSinkProvider) inner).consumeDataStream(provider, gated);
                }
            };
        }

        private QuarantineEntries quarantine() {
            List<RowType.RowField> fields = new ArrayList<>(output.getFields());
            if (!output.getFieldNames().contains(QualityCheck.FAILED_RULES)) {
                fields.add(
                        new RowType.RowField(
                                QualityCheck.FAILED_RULES,
                                new VarCharType(VarCharType.MAX_LENGTH)));
            }
            return new QuarantineEntries(
                    settings.quarantinePath(),
                    settings.quarantineSink(),
                    settings.keys(),
                    QualityCheck.FAILED_RULES,
                    null,
                    new RowType(fields));
        }

        @Override
        public DynamicTableSink copy() {
            return new GatedSink(sink.copy(), settings, input, output);
        }

        @Override
        public String asSummaryString() {
            return "Gated(" + sink.asSummaryString() + ")";
        }
    }

    /** A row's key columns, as a key the stream can be partitioned by. */
    static final class KeyOf
            implements org.apache.flink.api.java.functions.KeySelector<RowData, String> {
        private final int[] at;
        private final LogicalType[] types;
        private transient RowData.FieldGetter[] getters;

        KeyOf(int[] at, RowType type) {
            this.at = at;
            this.types = new LogicalType[at.length];
            for (int i = 0; i < at.length; i++) {
                types[i] = type.getTypeAt(at[i]);
            }
        }

        @Override
        public String getKey(RowData row) {
            if (getters == null) {
                getters = new RowData.FieldGetter[at.length];
                for (int i = 0; i < at.length; i++) {
                    getters[i] = RowData.createFieldGetter(types[i], at[i]);
                }
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < at.length; i++) {
                Object v = getters[i].getFieldOrNull(row);
                b.append(v == null ? "\u0000" : v.toString()).append('\u0001');
            }
            return b.toString();
        }
    }
}
