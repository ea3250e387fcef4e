package io.tributary.connectors.lake;

import java.util.List;
import java.util.Map;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.ProviderContext;
import org.apache.flink.table.connector.sink.DataStreamSinkProvider;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.sink.FlinkSink;

/**
 * The lake sink in a Flink job: Iceberg's own Flink writers and committer, on a table of
 * Tributary's catalog that {@link LakeTables} made fit the input first.
 *
 * <pre>
 *   rows ──► IcebergStreamWriter (×parallelism) ──data/delete files──► IcebergFilesCommitter (×1)
 *            rolls files at the target size          on each checkpoint    one snapshot per checkpoint,
 *            upsert: equality deletes by key         completing             the checkpoint id in its summary:
 *                                                                           a replayed one is skipped
 * </pre>
 */
final class LakeDynamicSink implements DynamicTableSink {

    private final Map<String, String> catalogProperties;
    private final TableIdentifier id;
    private final ResolvedSchema schema;
    private final List<String> keys;
    private final boolean upsert;
    private final String partitionBy;
    private final long targetFileSize;
    private final boolean evolve;
    private final Integer parallelism;
    private final LakeMaintenance maintenance;

    /** The rows' dimension join, when they come from one (else null): see {@link Dimension}. */
    private final Dimension dimension;

    /**
     * What a dimension join's rows carry besides the table's columns: the input as it comes (the
     * table's columns and the join's version and change flag), the column holding the dimension's
     * key, and the columns a change rewrites.
     */
    record Dimension(
            ResolvedSchema input, String keyColumn, List<String> columns, String changeColumn) {}

    LakeDynamicSink(
            Map<String, String> catalogProperties,
            TableIdentifier id,
            ResolvedSchema schema,
            List<String> keys,
            boolean upsert,
            String partitionBy,
            long targetFileSize,
            boolean evolve,
            Integer parallelism,
            LakeMaintenance maintenance,
            Dimension dimension) {
        this.dimension = dimension;
        this.catalogProperties = catalogProperties;
        this.id = id;
        this.schema = schema;
        this.keys = keys;
        this.upsert = upsert;
        this.partitionBy = partitionBy;
        this.targetFileSize = targetFileSize;
        this.evolve = evolve;
        this.parallelism = parallelism;
        this.maintenance = maintenance;
    }

    @Override
    public ChangelogMode getChangelogMode(ChangelogMode requested) {
        if (!upsert) {
            return ChangelogMode.insertOnly();
        }
        // by key: an update's new image replaces the row, so its old image is not needed
        return ChangelogMode.newBuilder()
                .addContainedKind(RowKind.INSERT)
                .addContainedKind(RowKind.UPDATE_AFTER)
                .addContainedKind(RowKind.DELETE)
                .build();
    }

    @Override
    public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
        boolean bounded = context.isBounded();
        return new DataStreamSinkProvider() {
            @Override
            public DataStreamSink<?> consumeDataStream(
                    ProviderContext provider, DataStream<RowData> rows) {
                List<String> tableOrder = prepareTable();
                checkAlignedCheckpoints(rows);
                ResolvedSchema written = inTableOrder(schema, tableOrder);
                if (dimension != null) {
                    rows = rewriteChanges(provider, rows, written);
                } else if (!written.getColumnNames().equals(schema.getColumnNames())) {
                    rows = reorder(rows, schema, written);
                }
                FlinkSink.Builder b =
                        FlinkSink.forRowData(rows)
                                .tableLoader(LakeCatalog.tableLoader(catalogProperties, id))
                                .resolvedSchema(written)
                                .upsert(upsert)
                                .set(
                                        org.apache.iceberg.TableProperties
                                                .WRITE_TARGET_FILE_SIZE_BYTES,
                                        Long.toString(targetFileSize));
                if (!keys.isEmpty()) {
                    b.equalityFieldColumns(keys);
                }
                provider.generateUid("lake").ifPresent(b::uidPrefix);
                boolean ends =
                        bounded
                                || allSourcesBounded(
                                        rows.getTransformation(), new java.util.HashSet<>());
                if (ends) {
                    // Iceberg's committer files the last data of each writer under one key, and
                    // a checkpoint between two writers' ends of input overwrites the first's
                    // (rows lost; LakeSinkITCase shows it): one writer ends its input in one go
                    b.writeParallelism(1);
                } else if (parallelism != null) {
                    b.writeParallelism(parallelism);
                }
                DataStreamSink<?> sink = b.append();
                if (maintenance == null || ends) {
                    return sink; // a job that ends leaves its few files
                }
                String uid =
                        provider.generateUid("lake-maintenance").orElse("lake-maintenance-" + id);
                // The planner builds the job from the sink it is handed, not from everything
                // added to the environment: the maintenance hangs off the committer, and the
                // committer and the maintenance end in one sink
                @SuppressWarnings("unchecked")
                DataStream<Void> commits =
                        new DataStream<>(
                                rows.getExecutionEnvironment(),
                                (Transformation<Void>) sink.getTransformation().getInputs().get(0));
                DataStream<Void> runs =
                        maintenance.addTo(commits, catalogProperties, id, targetFileSize, uid);
                return commits.union(runs)
                        .sinkTo(new DiscardingSink<>())
                        .name("Lake " + id + ": committed and maintained")
                        .uid(uid + "-end")
                        .setParallelism(1);
            }
        };
    }

    /** Whether every source upstream of {@code t} ends (a bounded scan, a backfill). */
    static boolean allSourcesBounded(
            org.apache.flink.api.dag.Transformation<?> t,
            java.util.Set<org.apache.flink.api.dag.Transformation<?>> seen) {
        if (!seen.add(t)) {
            return true;
        }
        if (t
                instanceof
                org.apache.flink.streaming.api.transformations.SourceTransformation<?, ?, ?> s) {
            return s.getBoundedness() == org.apache.flink.api.connector.source.Boundedness.BOUNDED;
        }
        if (t
                instanceof
                org.apache.flink.streaming.api.transformations.LegacySourceTransformation<?> s) {
            return s.getBoundedness() == org.apache.flink.api.connector.source.Boundedness.BOUNDED;
        }
        if (t.getInputs().isEmpty()) {
            return false; // a source of a kind not known here: assume it does not end
        }
        for (org.apache.flink.api.dag.Transformation<?> in : t.getInputs()) {
            if (!allSourcesBounded(in, seen)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Refuses unaligned checkpoints: with them a write result can reach Iceberg's committer after
     * its checkpoint's barrier and be left out of the commit (apache/iceberg#15846).
     */
    private static void checkAlignedCheckpoints(DataStream<RowData> rows) {
        boolean unaligned =
                rows.getExecutionEnvironment()
                        .getConfiguration()
                        .get(org.apache.flink.configuration.CheckpointingOptions.ENABLE_UNALIGNED);
        if (unaligned) {
            throw new org.apache.flink.table.api.ValidationException(
                    "The lake sink needs aligned checkpoints: with unaligned ones Iceberg's"
                            + " committer can leave data files out of a commit. Set"
                            + " execution.checkpointing.unaligned.enabled to false.");
        }
    }

    /**
     * {@code schema}'s columns in the order the table has them. A column added to the input lands
     * last in the table (Iceberg appends it), wherever the input has it (a {@code SELECT s.*, ...}
     * puts it in the middle), and Iceberg writes only rows whose columns come in the table's order.
     */
    static ResolvedSchema inTableOrder(ResolvedSchema schema, List<String> tableOrder) {
        List<org.apache.flink.table.catalog.Column> ordered = new java.util.ArrayList<>();
        for (String name : tableOrder) {
            schema.getColumn(name).ifPresent(ordered::add);
        }
        for (org.apache.flink.table.catalog.Column c : schema.getColumns()) {
            if (!tableOrder.contains(c.getName())) {
                ordered.add(c);
            }
        }
        return new ResolvedSchema(
                ordered, schema.getWatermarkSpecs(), schema.getPrimaryKey().orElse(null));
    }

    /**
     * A dimension join's rows through {@link LakeDimensionRewrite}, keyed by the dimension's key:
     * joined rows pass on in the table's order, a change comes back as the rows it rewrites.
     */
    private DataStream<RowData> rewriteChanges(
            ProviderContext provider, DataStream<RowData> rows, ResolvedSchema written) {
        List<String> names = dimension.input().getColumnNames();
        org.apache.flink.table.types.logical.RowType inputType =
                (org.apache.flink.table.types.logical.RowType)
                        dimension.input().toPhysicalRowDataType().getLogicalType();
        org.apache.flink.table.types.logical.RowType writtenType =
                (org.apache.flink.table.types.logical.RowType)
                        written.toPhysicalRowDataType().getLogicalType();
        int[] fromInput = new int[written.getColumnCount()];
        for (int i = 0; i < fromInput.length; i++) {
            fromInput[i] = names.indexOf(written.getColumnNames().get(i));
        }
        int key = names.indexOf(dimension.keyColumn());
        int[] dims = dimension.columns().stream().mapToInt(names::indexOf).toArray();
        RowData.FieldGetter keyGetter = RowData.createFieldGetter(inputType.getTypeAt(key), key);
        @SuppressWarnings({"unchecked", "rawtypes"})
        org.apache.flink.api.common.typeinfo.TypeInformation<Object> keyInfo =
                (org.apache.flink.api.common.typeinfo.TypeInformation)
                        org.apache.flink.table.runtime.typeutils.InternalTypeInfo.of(
                                inputType.getTypeAt(key));
        int p = parallelism != null ? parallelism : rows.getParallelism();
        // the rows come from the join's subtasks, keyed by this same key: where nothing between
        // the join and here moves a row to another subtask, they are already where a keyBy would
        // send them, and the exchange (a serialization of every row) is left out
        org.apache.flink.streaming.api.datastream.KeyedStream<RowData, Object> keyed =
                p == rows.getParallelism()
                                && io.tributary.connectors.changes.DimensionChanges.forwardFromJoin(
                                        rows.getTransformation(), p)
                        ? org.apache.flink.streaming.api.datastream.DataStreamUtils
                                .reinterpretAsKeyedStream(
                                        rows, new DimensionKey(keyGetter), keyInfo)
                        : rows.keyBy(new DimensionKey(keyGetter), keyInfo);
        org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator<RowData> out =
                keyed.transform(
                                "Lake " + id + ": a dimension's changes as rewritten rows",
                                org.apache.flink.table.runtime.typeutils.InternalTypeInfo.of(
                                        writtenType),
                                new LakeDimensionRewrite(
                                        LakeCatalog.tableLoader(catalogProperties, id),
                                        inputType,
                                        writtenType,
                                        fromInput,
                                        key,
                                        names.indexOf(dimension.changeColumn()),
                                        dims))
                        .setParallelism(p);
        provider.generateUid("lake-dimension-rewrite").ifPresent(out::uid);
        return out;
    }

    /** The dimension's key of a row (a customer_id), as the join keyed it. */
    private static final class DimensionKey
            implements org.apache.flink.api.java.functions.KeySelector<RowData, Object> {
        private static final long serialVersionUID = 1L;
        private final RowData.FieldGetter getter;

        DimensionKey(RowData.FieldGetter getter) {
            this.getter = getter;
        }

        @Override
        public Object getKey(RowData row) {
            return getter.getFieldOrNull(row);
        }
    }

    /** Each row's fields moved from {@code from}'s order to {@code to}'s, its kind kept. */
    private DataStream<RowData> reorder(
            DataStream<RowData> rows, ResolvedSchema from, ResolvedSchema to) {
        List<String> names = from.getColumnNames();
        int n = to.getColumnCount();
        int[] positions = new int[n];
        RowData.FieldGetter[] getters = new RowData.FieldGetter[n];
        for (int i = 0; i < n; i++) {
            org.apache.flink.table.catalog.Column c = to.getColumns().get(i);
            positions[i] = names.indexOf(c.getName());
            getters[i] = RowData.createFieldGetter(c.getDataType().getLogicalType(), positions[i]);
        }
        org.apache.flink.table.types.logical.RowType rowType =
                (org.apache.flink.table.types.logical.RowType)
                        to.toPhysicalRowDataType().getLogicalType();
        return rows.map(
                        row -> {
                            org.apache.flink.table.data.GenericRowData out =
                                    new org.apache.flink.table.data.GenericRowData(
                                            row.getRowKind(), n);
                            for (int i = 0; i < n; i++) {
                                out.setField(i, getters[i].getFieldOrNull(row));
                            }
                            return (RowData) out;
                        },
                        org.apache.flink.table.runtime.typeutils.InternalTypeInfo.of(rowType))
                .name("Lake " + id + ": columns in the table's order")
                .setParallelism(rows.getParallelism());
    }

    /** Creates or evolves the table; returns its column names in its order. */
    private List<String> prepareTable() {
        Catalog catalog = LakeCatalog.loader(catalogProperties).loadCatalog();
        try {
            LakeTables.prepare(catalog, id, schema, partitionBy, targetFileSize, evolve);
            return catalog.loadTable(id).schema().columns().stream()
                    .map(org.apache.iceberg.types.Types.NestedField::name)
                    .toList();
        } finally {
            if (catalog instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing the catalog's store and FileIO; the table is prepared
                }
            }
        }
    }

    @Override
    public DynamicTableSink copy() {
        return new LakeDynamicSink(
                catalogProperties,
                id,
                schema,
                keys,
                upsert,
                partitionBy,
                targetFileSize,
                evolve,
                parallelism,
                maintenance,
                dimension);
    }

    @Override
    public String asSummaryString() {
        return "Lake(" + id + (upsert ? ", upsert by " + keys : ", append") + ")";
    }
}
