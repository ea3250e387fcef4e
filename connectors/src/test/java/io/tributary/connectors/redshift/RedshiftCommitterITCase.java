package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.connectors.redshift.internal.PostgresStager;
import io.tributary.connectors.redshift.internal.ShapeTracker;
import io.tributary.connectors.redshift.internal.SinkSpec;
import io.tributary.connectors.redshift.internal.Stager;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableSummary;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.runtime.operators.sink.CommitterOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The committer inside Flink's own committer operator, driven by the operator test harness:
 * snapshot, commit on checkpoint completion, restore, and replay of a checkpoint already in the
 * warehouse. The target is append-only, so a second apply would double the rows.
 */
class RedshiftCommitterITCase {

    static final RowType ROW =
            RowType.of(
                    new LogicalType[] {new IntType(false), new VarCharType(VarCharType.MAX_LENGTH)},
                    new String[] {"id", "name"});

    private final Warehouse wh = new Warehouse("sink_committer");
    private RedshiftSink sink;
    private SinkSpec spec;

    @BeforeEach
    void freshTarget() throws Exception {
        wh.execute(
                "DROP SCHEMA IF EXISTS harness CASCADE",
                "CREATE SCHEMA harness",
                "CREATE TABLE harness.people (id integer NOT NULL, name text)");
        sink = RedshiftSink.builder().url(wh.url).table("harness", "people").rowType(ROW).build();
        spec = sink.spec();
    }

    /** Stages rows the way a writer does, and returns the committable a writer would emit. */
    private RedshiftCommittable stage(String jobId, long checkpoint, int... ids) throws Exception {
        GenericRowData[] rows = new GenericRowData[ids.length];
        for (int i = 0; i < ids.length; i++) {
            rows[i] = GenericRowData.of(ids[i], StringData.fromString("p" + ids[i]));
        }
        return stage(sink, jobId, checkpoint, rows);
    }

    private static RedshiftCommittable stage(
            RedshiftSink sink, String jobId, long checkpoint, GenericRowData... rows)
            throws Exception {
        return stage(sink, jobId, 0, checkpoint, rows);
    }

    /**
     * As writer subtask {@code subtask} stages {@code rows} for {@code checkpoint} (a row of kind
     * DELETE as a delete), with the shape the writer would see.
     */
    static RedshiftCommittable stage(
            RedshiftSink sink, String jobId, int subtask, long checkpoint, GenericRowData... rows)
            throws Exception {
        SinkSpec spec = sink.spec();
        // as the sink's writer stages: in a table, or as files when the sink has a staging path
        try (Stager stager = StageLoader.stager(spec, jobId, subtask)) {
            Stager.Batch batch = stager.open(checkpoint);
            ShapeTracker shape = new ShapeTracker(spec);
            long seq = 0;
            for (GenericRowData row : rows) {
                char op = row.getRowKind() == RowKind.DELETE ? 'D' : 'U';
                shape.track(row, op);
                batch.add(row, op, seq++);
            }
            return new RedshiftCommittable(
                    jobId,
                    spec.sinkName(),
                    subtask,
                    checkpoint,
                    batch.finish(),
                    rows.length,
                    spec.columns(),
                    RedshiftCommittable.NO_EVENT_TIME,
                    shape.finish());
        }
    }

    private OneInputStreamOperatorTestHarness<
                    CommittableMessage<RedshiftCommittable>,
                    CommittableMessage<RedshiftCommittable>>
            harness() throws Exception {
        return harness(sink);
    }

    private static OneInputStreamOperatorTestHarness<
                    CommittableMessage<RedshiftCommittable>,
                    CommittableMessage<RedshiftCommittable>>
            harness(RedshiftSink sink) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new CommitterOperatorFactory<>(sink, false, true));
    }

    private static void send(
            OneInputStreamOperatorTestHarness<CommittableMessage<RedshiftCommittable>, ?> h,
            RedshiftCommittable c)
            throws Exception {
        h.processElement(
                new StreamRecord<>(new CommittableSummary<>(0, 1, c.checkpointId(), 1, 1, 0)));
        h.processElement(new StreamRecord<>(new CommittableWithLineage<>(c, c.checkpointId(), 0)));
    }

    @Test
    void replayOfACommittedCheckpointAfterRestoreIsAcknowledgedNotAppliedTwice() throws Exception {
        String job = JobID.generate().toHexString();
        RedshiftCommittable first = stage(job, 1, 1, 2, 3);

        OperatorSubtaskState beforeCommitKnown;
        try (var h = harness()) {
            h.open();
            send(h, first);
            beforeCommitKnown = h.snapshot(1, 1);
            h.notifyOfCompletedCheckpoint(1);
            assertThat(wh.rows("SELECT id FROM harness.people ORDER BY id"))
                    .containsExactly("1", "2", "3");
        }
        // the task died after the database committed but before Flink recorded it: restore
        try (var h = harness()) {
            h.initializeState(beforeCommitKnown);
            h.open();
            h.notifyOfCompletedCheckpoint(2);
        }
        assertThat(wh.rows("SELECT id FROM harness.people ORDER BY id"))
                .containsExactly("1", "2", "3");
        assertThat(wh.rows("SELECT checkpoint_id FROM harness.tributary_sink_bookmarks"))
                .containsExactly("1");
    }

    @Test
    void aCheckpointPendingAtTheFailureIsCommittedOnceAfterRestore() throws Exception {
        String job = JobID.generate().toHexString();
        RedshiftCommittable pending = stage(job, 1, 10, 11);
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            send(h, pending);
            snapshot = h.snapshot(1, 1);
            // fails before the checkpoint completes: nothing committed
        }
        assertThat(wh.count("SELECT count(*) FROM harness.people")).isZero();

        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.notifyOfCompletedCheckpoint(2);
            RedshiftCommittable next = stage(job, 2, 12);
            send(h, next);
            h.snapshot(2, 2);
            h.notifyOfCompletedCheckpoint(2);
        }
        assertThat(wh.rows("SELECT id FROM harness.people ORDER BY id"))
                .containsExactly("10", "11", "12");
        assertThat(wh.rows("SELECT checkpoint_id FROM harness.tributary_sink_bookmarks"))
                .containsExactly("2");
        assertThat(
                        wh.count(
                                "SELECT count(*) FROM pg_tables WHERE schemaname = 'harness' AND tablename LIKE 'tstg%'"))
                .as("stages dropped with their commits")
                .isZero();
    }

    @Test
    void aCheckpointStagedByTheOlderSchemaCommitsIntoTheEvolvedTarget() throws Exception {
        String job = JobID.generate().toHexString();
        RedshiftCommittable old = stage(job, 1, 10, 11);
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            send(h, old);
            snapshot = h.snapshot(1, 1);
            // the job stops here with checkpoint 1 pending; its next version adds a column
        }
        RowType evolved =
                RowType.of(
                        new LogicalType[] {
                            new IntType(false),
                            new VarCharType(VarCharType.MAX_LENGTH),
                            new VarCharType(VarCharType.MAX_LENGTH)
                        },
                        new String[] {"id", "name", "email"});
        RedshiftSink v2 =
                RedshiftSink.builder()
                        .url(wh.url)
                        .table("harness", "people")
                        .rowType(evolved)
                        .build();
        try (var h = harness(v2)) {
            h.initializeState(snapshot);
            h.open();
            h.notifyOfCompletedCheckpoint(2);
            RedshiftCommittable next =
                    stage(
                            v2,
                            job,
                            2,
                            GenericRowData.of(
                                    12,
                                    StringData.fromString("p12"),
                                    StringData.fromString("e12")));
            send(h, next);
            h.snapshot(2, 2);
            h.notifyOfCompletedCheckpoint(2);
        }
        assertThat(wh.rows("SELECT id, name, email FROM harness.people ORDER BY id"))
                .containsExactly("10|p10|null", "11|p11|null", "12|p12|e12");
    }

    @Test
    void stagesOfAnAttemptThatNeverCheckpointedAreRemovedOnRestore() throws Exception {
        String job = JobID.generate().toHexString();
        stage(job, 5, 1);
        stage(job, 6, 2);
        try (PostgresStager stager = new PostgresStager(spec, job, 0)) {
            stager.removeOrphans(5);
        }
        assertThat(
                        wh.rows(
                                "SELECT tablename FROM pg_tables WHERE schemaname = 'harness' AND tablename LIKE 'tstg%'"))
                .singleElement()
                .satisfies(t -> assertThat(t).endsWith("_5"));
    }

    /**
     * A job resumed with the other way of staging (other options, or a version with another
     * default: files under the checkpoint directory since 2026-12-05) still commits the checkpoints
     * its savepoint holds, each once, from where they were staged.
     */
    @Test
    void aCheckpointStagedTheOtherWayIsCommittedOnceByAResumedJob(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String job = JobID.generate().toHexString();
        RedshiftSink files =
                RedshiftSink.builder()
                        .url(wh.url)
                        .table("harness", "people")
                        .option(RedshiftConnectorOptions.STAGING_PATH, dir.toUri().toString())
                        .rowType(ROW)
                        .build();

        // staged in a table, pending at the stop; resumed by a job that stages files
        RedshiftCommittable inTable = stage(job, 1, 1, 2);
        assertThat(inTable.stagedLocation()).startsWith("\"harness\".");
        OperatorSubtaskState savepoint;
        try (var h = harness()) {
            h.open();
            send(h, inTable);
            savepoint = h.snapshot(1, 1);
        }
        try (var h = harness(files)) {
            h.initializeState(savepoint);
            h.open();
            h.notifyOfCompletedCheckpoint(2);
        }
        assertThat(wh.rows("SELECT id FROM harness.people ORDER BY id")).containsExactly("1", "2");

        // staged as a file, pending at the stop; resumed by a job that stages in tables
        RedshiftCommittable asFile =
                stage(
                        files,
                        job,
                        3,
                        GenericRowData.of(3, StringData.fromString("p3")),
                        GenericRowData.of(4, StringData.fromString("p4")));
        assertThat(new java.io.File(java.net.URI.create(asFile.stagedLocation()))).isFile();
        try (var h = harness(files)) {
            h.open();
            send(h, asFile);
            savepoint = h.snapshot(3, 3);
        }
        try (var h = harness()) {
            h.initializeState(savepoint);
            h.open();
            h.notifyOfCompletedCheckpoint(4);
        }
        assertThat(wh.rows("SELECT id FROM harness.people ORDER BY id"))
                .containsExactly("1", "2", "3", "4");
        assertThat(wh.rows("SELECT checkpoint_id FROM harness.tributary_sink_bookmarks"))
                .containsExactly("3");
        assertThat(
                        wh.count(
                                "SELECT count(*) FROM pg_tables WHERE schemaname = 'harness' AND"
                                        + " tablename LIKE 'tstg%'"))
                .as("the staging table dropped with its commit")
                .isZero();
        assertThat(new java.io.File(java.net.URI.create(asFile.stagedLocation())))
                .as("the staged file removed after its commit")
                .doesNotExist();
    }
}
