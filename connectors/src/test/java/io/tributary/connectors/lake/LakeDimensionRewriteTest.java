package io.tributary.connectors.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.iceberg.TributaryIcebergCatalog;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.BooleanType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake's side of a dimension join, operator by operator against a real Iceberg table whose
 * commits the test makes as Iceberg's committer would (its job id and checkpoint in the snapshot
 * summary): a change waits while rows joined with the old values may still be uncommitted, then
 * rewrites every committed row of its key and no other; held changes survive a restore into a job
 * of another id.
 */
class LakeDimensionRewriteTest {

    private static final RowType INPUT =
            RowType.of(
                    new LogicalType[] {
                        new BigIntType(),
                        new IntType(),
                        new VarCharType(VarCharType.MAX_LENGTH),
                        new BooleanType()
                    },
                    new String[] {"order_id", "customer_id", "name", "__change"});
    private static final RowType WRITTEN =
            RowType.of(
                    new LogicalType[] {
                        new BigIntType(), new IntType(), new VarCharType(VarCharType.MAX_LENGTH)
                    },
                    new String[] {"order_id", "customer_id", "name"});
    private static final Schema SCHEMA =
            new Schema(
                    NestedField.optional(
                            1, "order_id", org.apache.iceberg.types.Types.LongType.get()),
                    NestedField.optional(
                            2, "customer_id", org.apache.iceberg.types.Types.IntegerType.get()),
                    NestedField.optional(
                            3, "name", org.apache.iceberg.types.Types.StringType.get()));

    @TempDir Path home;

    private CatalogStore store;
    private TributaryIcebergCatalog catalog;
    private Map<String, String> props;
    private final TableIdentifier id = TableIdentifier.of("db", "orders");
    private Table table;

    @BeforeEach
    void createTable() {
        store = CatalogStores.embedded(home.resolve("catalog"));
        catalog = new TributaryIcebergCatalog(store);
        props =
                Map.of(
                        TributaryIcebergCatalog.STORE,
                        home.resolve("catalog").toString(),
                        "warehouse",
                        home.resolve("lake").toString());
        catalog.initialize("tributary", props);
        catalog.createNamespace(Namespace.of("db"));
        table = catalog.createTable(id, SCHEMA, PartitionSpec.unpartitioned());
    }

    @AfterEach
    void close() {
        catalog.close();
        store.close();
    }

    private KeyedOneInputStreamOperatorTestHarness<Integer, RowData, RowData> harness()
            throws Exception {
        LakeDimensionRewrite op =
                new LakeDimensionRewrite(
                        LakeCatalog.tableLoader(props, id),
                        INPUT,
                        WRITTEN,
                        new int[] {0, 1, 2},
                        1,
                        3,
                        new int[] {2});
        return new KeyedOneInputStreamOperatorTestHarness<>(op, r -> r.getInt(1), Types.INT);
    }

    private static StreamRecord<RowData> order(long order, int customer, String name) {
        return new StreamRecord<>(
                GenericRowData.of(order, customer, StringData.fromString(name), false));
    }

    private static StreamRecord<RowData> change(int customer, String name) {
        return new StreamRecord<>(
                GenericRowData.of(null, customer, StringData.fromString(name), true));
    }

    /** Appends the rows as Iceberg's committer would for {@code checkpoint} of {@code job}. */
    private void commit(String job, long checkpoint, Object[]... rows) throws Exception {
        table.refresh();
        DataWriter<org.apache.iceberg.data.Record> w =
                new GenericAppenderFactory(SCHEMA)
                        .newDataWriter(
                                EncryptedFiles.plainAsEncryptedOutput(
                                        table.io()
                                                .newOutputFile(
                                                        table.locationProvider()
                                                                .newDataLocation(
                                                                        UUID.randomUUID()
                                                                                + ".parquet"))),
                                FileFormat.PARQUET,
                                null);
        for (Object[] r : rows) {
            GenericRecord rec = GenericRecord.create(SCHEMA);
            rec.setField("order_id", r[0]);
            rec.setField("customer_id", r[1]);
            rec.setField("name", r[2]);
            w.write(rec);
        }
        w.close();
        DataFile file = w.toDataFile();
        table.newAppend()
                .appendFile(file)
                .set("flink.job-id", job)
                .set("flink.operator-id", "committer")
                .set("flink.max-committed-checkpoint-id", Long.toString(checkpoint))
                .commit();
    }

    /** The rewrites the operator sent: order|customer|name, in order. */
    private static List<String> rewrites(
            KeyedOneInputStreamOperatorTestHarness<Integer, RowData, RowData> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r
                    && ((RowData) r.getValue()).getRowKind() == RowKind.UPDATE_AFTER) {
                RowData row = (RowData) r.getValue();
                out.add(row.getLong(0) + "|" + row.getInt(1) + "|" + row.getString(2));
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void aChangeWaitsForTheRowsJoinedBeforeItThenRewritesEveryRowOfItsKeyOnly() throws Exception {
        try (var h = harness()) {
            h.setProcessingTime(0);
            h.open();
            String job = h.getEnvironment().getJobID().toString();
            h.processElement(order(1, 7, "Ada"));
            h.processElement(order(3, 8, "Bo"));
            h.snapshot(1, 1);
            commit(job, 1, new Object[] {1L, 7, "Ada"}, new Object[] {3L, 8, "Bo"});
            h.notifyOfCompletedCheckpoint(1);

            // order 2 is joined with the old name in checkpoint 2, then the rename arrives
            h.processElement(order(2, 7, "Ada"));
            h.processElement(change(7, "Ada Renamed"));
            h.snapshot(2, 2);
            // the job hears of checkpoint 2 before Iceberg's committer has committed it: the
            // table holds order 1 only, and a rewrite now would miss order 2
            h.notifyOfCompletedCheckpoint(2);
            assertThat(rewrites(h)).isEmpty();

            commit(job, 2, new Object[] {2L, 7, "Ada"});
            h.setProcessingTime(1_000); // the retry
            assertThat(rewrites(h)).containsExactly("1|7|Ada Renamed", "2|7|Ada Renamed");

            // applied once: later commits rewrite nothing more
            h.getOutput().clear();
            h.snapshot(3, 3);
            h.notifyOfCompletedCheckpoint(3);
            h.setProcessingTime(3_000);
            assertThat(rewrites(h)).isEmpty();
        }
    }

    @Test
    void aHeldChangeIsAppliedAfterARestoreIntoAnotherJob() throws Exception {
        OperatorSubtaskState held;
        String firstJob;
        try (var h = harness()) {
            h.open();
            firstJob = h.getEnvironment().getJobID().toString();
            h.processElement(order(1, 7, "Ada"));
            h.processElement(change(7, "Ada Renamed"));
            held = h.snapshot(1, 1);
        }
        // the restored committer commits the first job's checkpoint 1 under that job's id
        commit(firstJob, 1, new Object[] {1L, 7, "Ada"});
        try (var h = harness()) {
            h.setProcessingTime(0);
            h.initializeState(held);
            h.open();
            assertThat(h.getEnvironment().getJobID().toString()).isNotEqualTo(firstJob);
            h.snapshot(2, 2);
            h.notifyOfCompletedCheckpoint(2);
            assertThat(rewrites(h)).containsExactly("1|7|Ada Renamed");
        }
    }
}
