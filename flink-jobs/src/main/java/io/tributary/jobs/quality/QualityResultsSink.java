package io.tributary.jobs.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.QualityResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.ProviderContext;
import org.apache.flink.table.connector.sink.DataStreamSinkProvider;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;

/**
 * Measures a ruleset over windows of records and keeps each rule's result per window in the catalog
 * store. A window is the records between two checkpoints: it closes when the checkpoint is taken,
 * its results wait in the checkpoint's state and are written once the checkpoint completes, keyed
 * by (job, checkpoint), so a restart neither loses a window (its results come back with the state)
 * nor doubles one (written again, they replace themselves); records after the last checkpoint are
 * read again into a later window. One writer (parallelism 1) sees every subtask's share of each
 * window.
 *
 * <pre>
 *   checked view, as it is ──▶ [Shares: a WindowMeter per subtask, chained to the view]
 *       ── its share, before barrier n ──▶ [Writer: merges] ── checkpoint n ──▶ pending
 *                                              notifyCheckpointComplete(n) ──▶ store
 * </pre>
 *
 * Records are the inserts and update-afters of the input (a retraction is not a new record).
 */
final class QualityResultsSink implements DynamicTableSink {

    private final Settings settings;
    private final RowType type;

    /** Where results go and what they are of. */
    record Settings(
            String store,
            String storeUser,
            String storePassword,
            String pipeline,
            String ruleset,
            String rules)
            implements java.io.Serializable {}

    QualityResultsSink(Settings settings, RowType type) {
        this.settings = settings;
        this.type = type;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requested) {
        return ChangelogMode.all();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        // one writer sees every record: the window's measures are the whole stream's
        return new DataStreamSinkProvider() {
            @Override
            public DataStreamSink<?> consumeDataStream(
                    ProviderContext provider, DataStream<RowData> stream) {
                // each subtask measures its own records, in the task that computed them, and
                // sends what it measured once per window, before the window's barrier: no record
                // crosses a task boundary for its measures (every record did, to the writer's
                // task, until the bench's profile showed the network hops cost the rules'
                // subtask more than measuring), and the one writer merges the windows' shares
                SingleOutputStreamOperator<byte[]> shares =
                        stream.transform(
                                "quality measures: " + settings.ruleset(),
                                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO,
                                new Shares(settings.rules(), type));
                if (stream.getParallelism() > 0) {
                    shares.setParallelism(stream.getParallelism());
                }
                provider.generateUid("quality-measures").ifPresent(shares::uid);
                DataStreamSink<byte[]> sink =
                        shares.global()
                                .addSink(new Writer(settings, type))
                                .name("quality results: " + settings.ruleset())
                                .setParallelism(1);
                provider.generateUid("quality-results").ifPresent(sink::uid);
                return sink;
            }
        };
    }

    @Override
    public DynamicTableSink copy() {
        return new QualityResultsSink(settings, type);
    }

    @Override
    public String asSummaryString() {
        return "Data quality results of " + settings.ruleset();
    }

    /**
     * One subtask's meter: measures the records it sees and emits its share of the window (a {@link
     * WindowMeter#drainShare}) when the window closes, before the checkpoint's barrier, and at the
     * end of input. It keeps no state: after a restart the sources read the window's records again.
     */
    static final class Shares extends AbstractStreamOperator<byte[]>
            implements OneInputStreamOperator<RowData, byte[]>, BoundedOneInput {

        private static final long serialVersionUID = 1L;

        private final String rules;
        private final RowType type;
        private transient WindowMeter meter;

        Shares(String rules, RowType type) {
            this.rules = rules;
            this.type = type;
            // in the task of the operator before it: measuring is cheaper than a network hop
            this.chainingStrategy = ChainingStrategy.ALWAYS;
        }

        @Override
        public void open() throws Exception {
            super.open();
            meter = new WindowMeter(Dqdl.parse(rules), type);
        }

        @Override
        public void processElement(StreamRecord<RowData> element) {
            RowData row = element.getValue();
            if (row.getRowKind() == RowKind.INSERT || row.getRowKind() == RowKind.UPDATE_AFTER) {
                meter.add(row);
            }
        }

        @Override
        public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
            super.prepareSnapshotPreBarrier(checkpointId);
            flush();
        }

        @Override
        public void endInput() {
            flush();
        }

        private void flush() {
            if (meter.records() > 0) {
                output.collect(new StreamRecord<>(meter.drainShare()));
            }
        }
    }

    /** The windows' writer: merges the subtasks' shares of each window and keeps the results. */
    static final class Writer extends RichSinkFunction<byte[]>
            implements CheckpointedFunction, CheckpointListener {

        private static final ObjectMapper JSON = new ObjectMapper();

        private final Settings settings;
        private final RowType type;
        private transient WindowMeter meter;
        private transient List<DqRule> rules;
        private transient Instant windowStart;
        private transient List<QualityResult> pending;
        private transient ListState<String> pendingState;
        private transient String job;
        private transient Map<String, Double> lastValues;
        private transient Map<String, Counter[]> windows;

        /** The declared windows ({@code over 1 hour}) open now, by their length. */
        private transient Map<java.time.Duration, Declared> declared;

        private transient ListState<String> declaredState;
        private transient List<String> restoredDeclared;
        private transient boolean ending;

        /** Opened at the first write and kept: opening a store checks its tables each time. */
        private transient CatalogStore store;

        Writer(Settings settings, RowType type) {
            this.settings = settings;
            this.type = type;
        }

        @Override
        public void open(OpenContext context) {
            rules = Dqdl.parse(settings.rules());
            meter = new WindowMeter(rules, type, r -> r.over() == null);
            windowStart = Instant.now();
            declared = new java.util.TreeMap<>();
            for (DqRule r : rules) {
                if (r.over() != null && !declared.containsKey(r.over())) {
                    java.time.Duration d = r.over();
                    declared.put(
                            d,
                            new Declared(d, new WindowMeter(rules, type, x -> d.equals(x.over()))));
                }
            }
            try {
                for (String doc : restoredDeclared) {
                    JsonNode n = JSON.readTree(doc);
                    Declared d = declared.get(java.time.Duration.ofMillis(n.get("over").asLong()));
                    if (d != null) {
                        d.start = Instant.ofEpochMilli(n.get("start").asLong());
                        d.meter.merge(n.get("meter").asText());
                    }
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("a declared window's state does not read", e);
            }
            job = getRuntimeContext().getJobInfo().getJobId().toHexString();
            lastValues = new HashMap<>();
            windows = new HashMap<>();
            MetricGroup group =
                    getRuntimeContext().getMetricGroup().addGroup("ruleset", settings.ruleset());
            for (int i = 0; i < rules.size(); i++) {
                DqRule r = rules.get(i);
                MetricGroup g = group.addGroup("rule", QualityCheck.label(i + 1, r.text()));
                // NaN until a window with records in the rule's scope closed
                g.gauge(
                        "quality_last_value",
                        () -> {
                            Double v = lastValues.get(r.text());
                            return v == null ? Double.NaN : v;
                        });
                windows.put(
                        r.text(),
                        new Counter[] {
                            g.counter("quality_windows_evaluated"),
                            g.counter("quality_windows_failed")
                        });
            }
        }

        @Override
        public void invoke(byte[] share, Context context) {
            meter.mergeShare(share);
            for (Declared d : declared.values()) {
                d.meter.mergeShare(share);
            }
        }

        /**
         * Closes the window open now as the window of {@code checkpoint}, and each declared window
         * whose time is up ({@code all}: every one, at the end of a job without checkpoints).
         */
        private void closeWindow(long checkpoint, boolean all) {
            Instant now = Instant.now();
            for (Declared d : declared.values()) {
                if (all || !now.isBefore(d.start.plus(d.length))) {
                    if (d.meter.records() > 0) {
                        results(d.meter, checkpoint, d.start, now);
                    }
                    d.start = Declared.aligned(now, d.length);
                }
            }
            if (meter.records() == 0) {
                windowStart = now;
                return; // an idle window: nothing was measured
            }
            results(meter, checkpoint, windowStart, now);
            windowStart = now;
        }

        private void closeWindow(long checkpoint) {
            closeWindow(checkpoint, false);
        }

        /** The verdicts of {@code m}'s window, to write once {@code checkpoint} completes. */
        private void results(WindowMeter m, long checkpoint, Instant start, Instant end) {
            Instant windowStart = start;
            for (WindowMeter.Verdict v : m.close()) {
                pending.add(
                        new QualityResult(
                                settings.pipeline(),
                                settings.ruleset(),
                                v.rule(),
                                job,
                                checkpoint,
                                windowStart,
                                end,
                                v.records(),
                                v.value(),
                                v.passed()));
                lastValues.put(v.rule(), v.value());
                Counter[] c = windows.get(v.rule());
                c[0].inc();
                if (!v.passed()) {
                    c[1].inc();
                }
            }
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            // the job's last checkpoint (its input ended) closes the declared windows too
            closeWindow(context.getCheckpointId(), ending);
            List<String> docs = new ArrayList<>();
            for (QualityResult r : pending) {
                docs.add(JSON.writeValueAsString(toDoc(r)));
            }
            pendingState.update(docs);
            List<String> open = new ArrayList<>();
            for (Declared d : declared.values()) {
                ObjectNode n = JSON.createObjectNode();
                n.put("over", d.length.toMillis());
                n.put("start", d.start.toEpochMilli());
                n.put("meter", d.meter.snapshot());
                open.add(n.toString());
            }
            declaredState.update(open);
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            pendingState =
                    context.getOperatorStateStore()
                            .getListState(
                                    new ListStateDescriptor<>(
                                            "pending-quality-results", String.class));
            declaredState =
                    context.getOperatorStateStore()
                            .getListState(
                                    new ListStateDescriptor<>(
                                            "declared-quality-windows", String.class));
            restoredDeclared = new ArrayList<>();
            pending = new ArrayList<>();
            if (context.isRestored()) {
                for (String d : declaredState.get()) {
                    restoredDeclared.add(d);
                }
                for (String d : pendingState.get()) {
                    pending.add(fromDoc(JSON.readTree(d)));
                }
            }
        }

        private static ObjectNode toDoc(QualityResult r) {
            ObjectNode n = JSON.createObjectNode();
            n.put("pipeline", r.pipeline());
            n.put("ruleset", r.ruleset());
            n.put("rule", r.rule());
            n.put("job", r.job());
            n.put("checkpoint", r.checkpoint());
            n.put("start", r.windowStart().toEpochMilli());
            n.put("end", r.windowEnd().toEpochMilli());
            n.put("records", r.records());
            if (r.value() != null) {
                n.put("value", r.value());
            }
            n.put("passed", r.passed());
            return n;
        }

        private static QualityResult fromDoc(JsonNode n) {
            return new QualityResult(
                    n.get("pipeline").asText(),
                    n.get("ruleset").asText(),
                    n.get("rule").asText(),
                    n.get("job").asText(),
                    n.get("checkpoint").asLong(),
                    Instant.ofEpochMilli(n.get("start").asLong()),
                    Instant.ofEpochMilli(n.get("end").asLong()),
                    n.get("records").asLong(),
                    n.has("value") ? n.get("value").asDouble() : null,
                    n.get("passed").asBoolean());
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            List<QualityResult> done = new ArrayList<>();
            for (Iterator<QualityResult> it = pending.iterator(); it.hasNext(); ) {
                QualityResult r = it.next();
                if (r.checkpoint() <= checkpointId) {
                    done.add(r);
                    it.remove();
                }
            }
            write(done);
        }

        @Override
        public void finish() {
            if (!((StreamingRuntimeContext) getRuntimeContext()).isCheckpointingEnabled()) {
                // no checkpoint will close the last window: it is the job's only one
                closeWindow(0, true);
                write(pending);
                pending.clear();
            } else {
                ending = true;
            }
        }

        private void write(List<QualityResult> results) {
            if (results.isEmpty()) {
                return;
            }
            if (store == null) {
                store =
                        CatalogStores.open(
                                settings.store(), settings.storeUser(), settings.storePassword());
            }
            try {
                store.putQualityResults(results);
            } catch (RuntimeException e) {
                // the next write opens it again; the results come back with the state
                closeStore();
                throw e;
            }
        }

        private void closeStore() {
            if (store != null) {
                try {
                    store.close();
                } catch (RuntimeException ignored) {
                    // a store already gone
                }
                store = null;
            }
        }

        @Override
        public void close() {
            closeStore();
        }
    }

    /**
     * A declared window ({@code over 1 hour}): tumbling, aligned to the epoch (an hour's windows
     * start on the hour), closed at the first checkpoint at or after its end; the records up to
     * that checkpoint count in it.
     */
    private static final class Declared {
        final java.time.Duration length;
        final WindowMeter meter;
        Instant start;

        Declared(java.time.Duration length, WindowMeter meter) {
            this.length = length;
            this.meter = meter;
            this.start = aligned(Instant.now(), length);
        }

        static Instant aligned(Instant t, java.time.Duration length) {
            long ms = length.toMillis();
            return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), ms) * ms);
        }
    }
}
