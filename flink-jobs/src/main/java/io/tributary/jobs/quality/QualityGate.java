package io.tributary.jobs.quality;

import io.tributary.connectors.quarantine.QuarantineEntries;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.RowType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ruleset's gate before a sink: it holds the rows of the window open now (the records between two
 * checkpoints) and decides at the window's end, before the checkpoint's barrier goes on, with the
 * ruleset's window rules: if they pass, the window's rows (and any held before) go to the sink and
 * are committed with that checkpoint; if one fails, they are held in the job's state until a later
 * window passes ({@code hold}) or written to the quarantine naming the rules ({@code quarantine}).
 * Rows held are part of each checkpoint, so a restart neither loses nor doubles them; the rows of a
 * window not yet decided are not, as the sources read them again.
 *
 * <p>The gate runs as one task: a window's verdict needs all of its rows. Its input holds the
 * sink's columns first, then the failed-rules column and the window rules' hidden columns when the
 * ruleset has them; it passes on the sink's columns only.
 */
final class QualityGate extends AbstractStreamOperator<RowData>
        implements OneInputStreamOperator<RowData, RowData>, BoundedOneInput {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(QualityGate.class);

    private final String what;
    private final String rulesText;
    private final String policy;
    private final int maxHeld;
    private final RowType input;
    private final RowType sinkType;
    private final boolean forwardFailed;
    private final QuarantineEntries quarantine;

    private transient WindowMeter meter;
    private transient Set<String> windowRules;
    private transient int failedIndex;
    private transient RowData.FieldGetter[] getters;
    private transient RowDataSerializer serializer;
    private transient List<RowData> pending;
    private transient List<RowData> held;
    private transient ListState<RowData> heldState;
    private transient Counter released;
    private transient Counter windowsHeld;
    private transient Counter quarantined;

    /**
     * @param what the ruleset's place, for logs and errors ({@code pipeline/sink})
     * @param policy {@code hold} or {@code quarantine}
     * @param input the rows' type: the sink's columns, then the ruleset's
     * @param output the sink's columns
     * @param forwardFailed whether rows that failed a per-record rule go on (action flag), else
     *     they were quarantined already and only count in the window's measures
     * @param quarantine where a failed window's rows go (policy quarantine, or held at the end)
     */
    QualityGate(
            String what,
            String rulesText,
            String policy,
            int maxHeld,
            RowType input,
            RowType output,
            boolean forwardFailed,
            QuarantineEntries quarantine) {
        this.what = what;
        this.rulesText = rulesText;
        this.policy = policy;
        this.maxHeld = maxHeld;
        this.input = input;
        this.sinkType = output;
        this.forwardFailed = forwardFailed;
        this.quarantine = quarantine;
    }

    @Override
    public void open() throws Exception {
        super.open();
        List<DqRule> rules = Dqdl.parse(rulesText);
        // a rule over a declared window (over 1 hour) is recorded, it does not gate
        meter = new WindowMeter(rules, input, r -> r.over() == null);
        windowRules =
                rules.stream()
                        .filter(r -> r.level() == DqRule.Level.DATASET && r.over() == null)
                        .map(DqRule::text)
                        .collect(Collectors.toSet());
        failedIndex = input.getFieldNames().indexOf(QualityCheck.FAILED_RULES);
        getters = new RowData.FieldGetter[sinkType.getFieldCount()];
        for (int i = 0; i < getters.length; i++) {
            // the sink's columns come first, in its order
            getters[i] = RowData.createFieldGetter(sinkType.getTypeAt(i), i);
        }
        serializer = new RowDataSerializer(sinkType);
        pending = new ArrayList<>();
        quarantine.open();
        var group = getMetricGroup();
        group.gauge("quality_gate_held_rows", () -> held.size());
        released = group.counter("quality_gate_released_rows");
        windowsHeld = group.counter("quality_gate_windows_failed");
        quarantined = group.counter("quality_gate_quarantined_rows");
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        heldState =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>("held", InternalTypeInfo.of(sinkType)));
        held = new ArrayList<>();
        for (RowData r : heldState.get()) {
            held.add(r);
        }
        if (!held.isEmpty()) {
            LOG.info("{}: gate restored with {} rows held", what, held.size());
        }
    }

    @Override
    public void processElement(StreamRecord<RowData> element) {
        RowData row = element.getValue();
        if (row.getRowKind() == org.apache.flink.types.RowKind.INSERT
                || row.getRowKind() == org.apache.flink.types.RowKind.UPDATE_AFTER) {
            // as the results measure: a retraction is no new record (docs/quality.md)
            meter.add(row);
        }
        if (forwardFailed || failedIndex < 0 || row.isNullAt(failedIndex)) {
            if (input.getFieldCount() == getters.length) {
                // only the sink's columns (the rules read them as they are): one copy of the
                // row as it came, its bytes when it came over the network
                pending.add(serializer.copy(row));
                return;
            }
            GenericRowData out = new GenericRowData(row.getRowKind(), getters.length);
            for (int i = 0; i < getters.length; i++) {
                out.setField(i, getters[i].getFieldOrNull(row));
            }
            pending.add(serializer.copy(out)); // the input's row objects are reused
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        decide("checkpoint " + checkpointId, false);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        heldState.update(held);
    }

    @Override
    public void endInput() throws Exception {
        decide("the end of input", true);
    }

    /** Closes the window: its rows go on, are held or are quarantined. */
    private void decide(String window, boolean last) throws Exception {
        if (meter.records() == 0) {
            // no records, no verdict: what is held stays held, and retractions (no records to
            // measure) follow it in order, or go on when nothing is held
            if (held.isEmpty()) {
                emit(pending);
            } else {
                held.addAll(pending);
            }
            pending.clear();
            if (last && !held.isEmpty()) {
                toQuarantine(held, List.of("held until the end of input"));
                held.clear();
            }
            return;
        }
        List<String> failed = new ArrayList<>();
        for (WindowMeter.Verdict v : meter.close()) {
            if (windowRules.contains(v.rule()) && !v.passed()) {
                failed.add(v.rule());
            }
        }
        if (failed.isEmpty()) {
            if (!held.isEmpty()) {
                LOG.info(
                        "{}: window up to {} passed; releasing {} held rows with its {}",
                        what,
                        window,
                        held.size(),
                        pending.size());
            }
            emit(held);
            emit(pending);
            held.clear();
        } else if (policy.equals("quarantine")) {
            LOG.warn(
                    "{}: window up to {} failed {}: its {} rows go to the quarantine",
                    what,
                    window,
                    failed,
                    pending.size());
            toQuarantine(pending, failed);
            windowsHeld.inc();
        } else {
            windowsHeld.inc();
            held.addAll(pending);
            LOG.warn(
                    "{}: window up to {} failed {}: holding its {} rows ({} held in all)",
                    what,
                    window,
                    failed,
                    pending.size(),
                    held.size());
            if (last) {
                toQuarantine(held, failed);
                held.clear();
            } else if (held.size() > maxHeld) {
                throw new IllegalStateException(
                        what
                                + ": the gate holds "
                                + held.size()
                                + " rows, more than max-held-rows "
                                + maxHeld
                                + ", as windows keep failing "
                                + failed
                                + "; fix the data or the rules, or use gate: quarantine");
            }
        }
        pending.clear();
    }

    private void emit(List<RowData> rows) {
        for (RowData r : rows) {
            output.collect(new StreamRecord<>(r));
        }
        released.inc(rows.size());
    }

    private void toQuarantine(List<RowData> rows, List<String> rules) throws Exception {
        StringData reason = StringData.fromString(QualityCheck.json(rules));
        int n = sinkType.getFieldCount();
        int at = sinkType.getFieldNames().indexOf(QualityCheck.FAILED_RULES);
        for (RowData r : rows) {
            GenericRowData entry = new GenericRowData(r.getRowKind(), at < 0 ? n + 1 : n);
            for (int i = 0; i < n; i++) {
                entry.setField(i, getters[i].getFieldOrNull(r));
            }
            entry.setField(at < 0 ? n : at, reason);
            quarantine.write(entry);
        }
        quarantined.inc(rows.size());
    }

    @Override
    public void close() throws Exception {
        quarantine.close();
        super.close();
    }
}
