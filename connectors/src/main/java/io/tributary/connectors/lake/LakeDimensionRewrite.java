package io.tributary.connectors.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.CombinedScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.source.DataIterator;
import org.apache.iceberg.flink.source.RowDataFileScanTaskReader;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The lake's side of a dimension join ({@code join-state: dimension}): in front of Iceberg's upsert
 * writer, keyed by the dimension's key (a customer_id), it passes each joined row on in the table's
 * column order and turns a dimension's change into rows of the table: every row already committed
 * with that key, read back from the table, its dimension columns set to the change's values,
 * written again by its keys (Iceberg's equality delete and insert, in the same checkpoint's commit
 * as everything else).
 *
 * <p>A rewrite reads the table only once the table holds every row that could carry an older value:
 * the rows that passed here up to the change went out in checkpoints up to the one marked with the
 * change, so the change waits (in keyed state: one row per changed key) until Iceberg's committer
 * has committed that checkpoint, as its snapshot summary says ({@code flink.job-id}, {@code
 * flink.max-committed-checkpoint-id}). Rows after the change carry its values already. Several
 * changes of a key before the rewrite keep the newest one; every rewrite writes the newest values
 * this operator has seen, so rewrites applied again (a replay after a failure) or late write the
 * same thing.
 *
 * <pre>
 *   joined rows ─(keyBy(key))─► rewrite ──rows in the table's order──► Iceberg writer ──► committer
 *                               │ a change: held until its checkpoint is committed,
 *                               └─ then the key's rows read back with new values ──┘
 * </pre>
 *
 * The read is a scan of the table pruned by the files' key ranges only: files written in arrival
 * order hold every key, so a commit that applies changes reads the table's rows once (all of that
 * commit's changed keys in one scan).
 */
final class LakeDimensionRewrite extends AbstractStreamOperator<RowData>
        implements OneInputStreamOperator<RowData, RowData> {

    private static final long serialVersionUID = 1L;
    private static final String JOB_ID = "flink.job-id";
    private static final String COMMITTED = "flink.max-committed-checkpoint-id";
    private static final long RETRY_MILLIS = 1_000;

    private final TableLoader tableLoader;
    private final RowType inputType;
    private final RowType writtenType;
    private final int[] fromInput;
    private final int keyWritten;
    private final int changeInput;
    private final int[] dimensionInput;
    private final int[] dimensionWritten;

    private transient RowDataSerializer dimensionValues;
    private transient RowDataSerializer written;
    private transient RowData.FieldGetter[] inputGetters;
    private transient RowData.FieldGetter[] writtenGetters;
    private transient RowData.FieldGetter[] valueGetters;
    private transient ValueState<Tuple2<Long, RowData>> pending;
    private transient ListState<String> jobIdsState;
    private transient ListState<Long> lastDataState;
    private transient Set<String> jobIds;
    private transient Table table;
    private transient long lastSnapshotted;
    private transient long lastData;
    private transient boolean anyPending;
    private transient boolean retryScheduled;
    private transient Counter changes;
    private transient Counter rewritten;

    /**
     * @param inputType the rows as the transform gives them, the dimension join's two columns
     *     included
     * @param writtenType the rows as the writer takes them: the table's columns in its order
     * @param fromInput per written column, its position in the input
     * @param keyInput the dimension key's position in the input
     * @param changeInput the position of the input's change flag
     * @param dimensionInput the input positions of the columns a change rewrites
     */
    LakeDimensionRewrite(
            TableLoader tableLoader,
            RowType inputType,
            RowType writtenType,
            int[] fromInput,
            int keyInput,
            int changeInput,
            int[] dimensionInput) {
        this.tableLoader = tableLoader;
        this.inputType = inputType;
        this.writtenType = writtenType;
        this.fromInput = fromInput;
        this.changeInput = changeInput;
        this.dimensionInput = dimensionInput;
        this.keyWritten = indexOf(fromInput, keyInput);
        this.dimensionWritten = new int[dimensionInput.length];
        for (int i = 0; i < dimensionInput.length; i++) {
            dimensionWritten[i] = indexOf(fromInput, dimensionInput[i]);
        }
        // in the join's task when the rows come forward from it: no copy of each row to a task
        // of its own (a held change's scan then runs in that task, between its records)
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    private static int indexOf(int[] positions, int value) {
        for (int i = 0; i < positions.length; i++) {
            if (positions[i] == value) {
                return i;
            }
        }
        throw new IllegalArgumentException("column " + value + " is not written");
    }

    private RowType dimensionType() {
        List<RowType.RowField> fields = new ArrayList<>();
        for (int p : dimensionInput) {
            fields.add(inputType.getFields().get(p));
        }
        return new RowType(fields);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        dimensionValues = new RowDataSerializer(dimensionType());
        pending =
                context.getKeyedStateStore()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "pending-change",
                                        new TupleTypeInfo<>(
                                                Types.LONG, InternalTypeInfo.of(dimensionType()))));
        jobIdsState =
                context.getOperatorStateStore()
                        .getUnionListState(new ListStateDescriptor<>("job-ids", Types.STRING));
        lastDataState =
                context.getOperatorStateStore()
                        .getUnionListState(new ListStateDescriptor<>("last-data", Types.LONG));
        jobIds = new HashSet<>();
        lastSnapshotted = 0;
        lastData = 0;
        if (context.isRestored()) {
            jobIdsState.get().forEach(jobIds::add);
            for (Long l : lastDataState.get()) {
                lastData = Math.max(lastData, l);
            }
            lastSnapshotted = context.getRestoredCheckpointId().orElse(0L);
            // changes held before the restore are applied at the first commit seen
            anyPending = true;
        }
        jobIds.add(getContainingTask().getEnvironment().getJobID().toString());
    }

    @Override
    public void open() throws Exception {
        super.open();
        written = new RowDataSerializer(writtenType);
        inputGetters = new RowData.FieldGetter[fromInput.length];
        writtenGetters = new RowData.FieldGetter[fromInput.length];
        for (int i = 0; i < fromInput.length; i++) {
            inputGetters[i] =
                    RowData.createFieldGetter(inputType.getTypeAt(fromInput[i]), fromInput[i]);
            writtenGetters[i] = RowData.createFieldGetter(writtenType.getTypeAt(i), i);
        }
        valueGetters = new RowData.FieldGetter[dimensionInput.length];
        for (int i = 0; i < dimensionInput.length; i++) {
            valueGetters[i] = RowData.createFieldGetter(inputType.getTypeAt(dimensionInput[i]), i);
        }
        changes = getMetricGroup().counter("dimensionChangesHeld");
        rewritten = getMetricGroup().counter("dimensionRowsRewritten");
        tableLoader.open();
        table = tableLoader.loadTable();
        checkReadable(table.schema());
    }

    /** The table's columns read back must be the rows the writer takes, type for type. */
    private void checkReadable(Schema schema) {
        RowType read = FlinkSchemaUtil.convert(projection(schema));
        for (int i = 0; i < writtenType.getFieldCount(); i++) {
            LogicalType want = writtenType.getTypeAt(i).copy(true);
            LogicalType have = read.getTypeAt(i).copy(true);
            if (!sameValues(want, have)) {
                throw new IllegalStateException(
                        "The lake table "
                                + table.name()
                                + " holds column "
                                + writtenType.getFieldNames().get(i)
                                + " as "
                                + have
                                + " where the pipeline writes "
                                + want
                                + ": a dimension's change could not write the rows it reads"
                                + " back. Make the pipeline's column that type");
            }
        }
    }

    /**
     * Whether values read as {@code have} are what the writer takes as {@code want}: the same type,
     * or one whose internal values do not depend on the length or precision (text, bytes, a
     * timestamp: Iceberg keeps microseconds, and the writer writes a TimestampData by the table's
     * type).
     */
    static boolean sameValues(LogicalType want, LogicalType have) {
        if (want.getTypeRoot() != have.getTypeRoot()) {
            return false;
        }
        return switch (want.getTypeRoot()) {
            case CHAR,
                    VARCHAR,
                    BINARY,
                    VARBINARY,
                    TIMESTAMP_WITHOUT_TIME_ZONE,
                    TIMESTAMP_WITH_LOCAL_TIME_ZONE ->
                    true;
            default -> want.copy(true).equals(have.copy(true));
        };
    }

    private Schema projection(Schema schema) {
        Schema selected = schema.select(writtenType.getFieldNames());
        List<String> order =
                selected.columns().stream()
                        .map(org.apache.iceberg.types.Types.NestedField::name)
                        .toList();
        if (!order.equals(writtenType.getFieldNames())) {
            throw new IllegalStateException(
                    "The lake table "
                            + table.name()
                            + " has columns "
                            + order
                            + " where the writer takes "
                            + writtenType.getFieldNames());
        }
        return selected;
    }

    @Override
    public void processElement(StreamRecord<RowData> element) throws Exception {
        RowData in = element.getValue();
        if (!in.isNullAt(changeInput) && in.getBoolean(changeInput)) {
            Tuple2<Long, RowData> held = pending.value();
            long marker = held == null ? lastData : Math.max(lastData, held.f0);
            GenericRowData values = new GenericRowData(dimensionInput.length);
            for (int i = 0; i < dimensionInput.length; i++) {
                values.setField(i, inputGetters[dimensionWritten[i]].getFieldOrNull(in));
            }
            pending.update(Tuple2.of(marker, dimensionValues.copy(values)));
            anyPending = true;
            changes.inc();
            return;
        }
        lastData = lastSnapshotted + 1;
        GenericRowData out = new GenericRowData(RowKind.INSERT, fromInput.length);
        for (int i = 0; i < fromInput.length; i++) {
            out.setField(i, inputGetters[i].getFieldOrNull(in));
        }
        output.collect(element.replace(out));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        lastSnapshotted = context.getCheckpointId();
        jobIdsState.update(new ArrayList<>(jobIds));
        lastDataState.update(List.of(lastData));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        if (anyPending) {
            applyReady();
        }
    }

    /**
     * Rewrites the keys whose changes the table's committed rows now cover; tries again in a second
     * while any waits (Iceberg's committer may commit after this operator hears of the checkpoint).
     */
    private void applyReady() {
        table.refresh();
        long committed = committedCheckpoint(table, jobIds);
        List<Object> keys = new ArrayList<>();
        try (var stream =
                getKeyedStateBackend().getKeys("pending-change", VoidNamespace.INSTANCE)) {
            stream.forEach(keys::add);
        }
        Map<Object, RowData> ready = new HashMap<>();
        List<Object> readyKeys = new ArrayList<>();
        int waiting = 0;
        for (Object key : keys) {
            setCurrentKey(key);
            Tuple2<Long, RowData> held;
            try {
                held = pending.value();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (held == null) {
                continue;
            }
            // marker 0: no row passed here before the change (in this run or those it resumed)
            if (held.f0 == 0 || held.f0 <= committed) {
                ready.put(plain(key), held.f1);
                readyKeys.add(key);
            } else {
                waiting++;
            }
        }
        if (!ready.isEmpty()) {
            rewrite(ready);
            for (Object key : readyKeys) {
                setCurrentKey(key);
                pending.clear();
            }
        }
        anyPending = waiting > 0;
        if (anyPending && !retryScheduled) {
            retryScheduled = true;
            long at = getProcessingTimeService().getCurrentProcessingTime() + RETRY_MILLIS;
            getProcessingTimeService()
                    .registerTimer(
                            at,
                            t -> {
                                retryScheduled = false;
                                if (anyPending) {
                                    applyReady();
                                }
                            });
        }
    }

    /** The rows of the changed keys, read from the table's current snapshot, sent again. */
    private void rewrite(Map<Object, RowData> ready) {
        Snapshot snapshot = table.currentSnapshot();
        if (snapshot == null) {
            return; // nothing committed: no row to rewrite
        }
        Schema projected = projection(table.schema());
        Expression filter = keyFilter(ready.keySet());
        RowDataFileScanTaskReader reader =
                new RowDataFileScanTaskReader(
                        table.schema(),
                        projected,
                        table.properties().get(TableProperties.DEFAULT_NAME_MAPPING),
                        true,
                        List.of(filter));
        RowData.FieldGetter key =
                RowData.createFieldGetter(writtenType.getTypeAt(keyWritten), keyWritten);
        long n = 0;
        try (CloseableIterable<CombinedScanTask> tasks =
                table.newScan().useSnapshot(snapshot.snapshotId()).filter(filter).planTasks()) {
            for (CombinedScanTask task : tasks) {
                try (DataIterator<RowData> rows =
                        new DataIterator<>(reader, task, table.io(), table.encryption())) {
                    while (rows.hasNext()) {
                        RowData row = rows.next();
                        RowData values = ready.get(plain(key.getFieldOrNull(row)));
                        if (values == null) {
                            continue;
                        }
                        GenericRowData out =
                                new GenericRowData(RowKind.UPDATE_AFTER, fromInput.length);
                        for (int i = 0; i < fromInput.length; i++) {
                            out.setField(i, writtenGetters[i].getFieldOrNull(row));
                        }
                        RowData copy = written.copy(out);
                        for (int i = 0; i < dimensionWritten.length; i++) {
                            ((GenericRowData) copy)
                                    .setField(
                                            dimensionWritten[i],
                                            valueGetters[i].getFieldOrNull(values));
                        }
                        copy.setRowKind(RowKind.UPDATE_AFTER);
                        output.collect(new StreamRecord<>(copy));
                        n++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "reading the lake table " + table.name() + " for a dimension's change", e);
        }
        rewritten.inc(n);
        LOG.info(
                "Lake {}: {} dimension change(s) rewrote {} row(s) read from snapshot {}",
                table.name(),
                ready.size(),
                n,
                snapshot.snapshotId());
    }

    /** Prunes the scan by the key column's ranges in the files, where its type allows. */
    private Expression keyFilter(Set<Object> keys) {
        LogicalTypeRoot root = writtenType.getTypeAt(keyWritten).getTypeRoot();
        String column = writtenType.getFieldNames().get(keyWritten);
        if (root == LogicalTypeRoot.INTEGER
                || root == LogicalTypeRoot.BIGINT
                || root == LogicalTypeRoot.VARCHAR
                || root == LogicalTypeRoot.CHAR) {
            return Expressions.in(column, keys.toArray());
        }
        return Expressions.alwaysTrue(); // every row is matched by its key below
    }

    /** A key as a plain Java value: text as a String, so both sides' string types compare. */
    private static Object plain(Object key) {
        return key instanceof StringData s ? s.toString() : key;
    }

    /**
     * The newest checkpoint Iceberg's committer committed for this job (or the runs it was resumed
     * from): the first snapshot back from the current one that one of them wrote.
     */
    static long committedCheckpoint(Table table, Set<String> jobIds) {
        for (Snapshot s = table.currentSnapshot();
                s != null;
                s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
            Map<String, String> summary = s.summary();
            String job = summary.get(JOB_ID);
            String checkpoint = summary.get(COMMITTED);
            if (job != null && checkpoint != null && jobIds.contains(job)) {
                return Long.parseLong(checkpoint);
            }
        }
        return -1;
    }

    @Override
    public void close() throws Exception {
        try {
            tableLoader.close();
        } finally {
            super.close();
        }
    }
}
