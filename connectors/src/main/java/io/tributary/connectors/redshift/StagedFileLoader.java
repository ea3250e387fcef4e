package io.tributary.connectors.redshift;

import io.tributary.connectors.redshift.internal.FileStager;
import io.tributary.connectors.redshift.internal.SinkSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.table.types.logical.LogicalType;
import org.postgresql.PGConnection;

/**
 * Rows the writer staged as files under {@code sink.staging.path}: appends are copied straight into
 * the target (one write), upserts through a temporary stage table (not WAL-logged) for the latest
 * change per key. The copy is the warehouse's own read of storage where it has one (Redshift's COPY
 * from S3 through a manifest), else the committer streams the file (PostgreSQL's COPY FROM STDIN).
 */
final class StagedFileLoader implements StageLoader {

    /** One way of getting a staged file into a relation. */
    private interface Copy {
        void into(Connection conn, Statement s, String relation, RedshiftCommittable c)
                throws SQLException, IOException;
    }

    private final SinkSpec spec;
    private final Copy copy;

    StagedFileLoader(SinkSpec spec) {
        this.spec = spec;
        this.copy = spec.dialect().copiesFromStorage() ? this::fromStorage : this::fromClient;
    }

    @Override
    public Optional<String> load(
            Connection conn,
            Statement s,
            RedshiftCommittable c,
            Supplier<List<LogicalType>> stagedTypes)
            throws SQLException, IOException {
        Path file = new Path(c.stagedLocation());
        if (!file.getFileSystem().exists(file)) {
            throw new IllegalStateException(
                    "The staged file of checkpoint "
                            + c.checkpointId()
                            + " (subtask "
                            + c.subtask()
                            + ") is gone: "
                            + file
                            + ". 'sink.staging.path' must be storage every TaskManager and the"
                            + " warehouse can read, and that outlives them (s3://, a shared mount).");
        }
        boolean changes = spec.stagesChanges();
        String relation =
                changes
                        ? spec.dialect().quote("__tributary_stage")
                        : spec.dialect().qualified(spec.target());
        if (changes) {
            s.execute(
                    spec.dialect()
                            .createTemporaryStage(
                                    relation,
                                    spec.dialect()
                                            .stagingColumns(c.columns(), stagedTypes.get(), true)));
        }
        copy.into(conn, s, relation, c);
        return changes ? Optional.of(relation) : Optional.empty();
    }

    private void fromStorage(Connection conn, Statement s, String relation, RedshiftCommittable c)
            throws SQLException, IOException {
        String manifest = FileStager.manifestOf(c.stagedLocation());
        Path path = new Path(manifest);
        try (OutputStream out = path.getFileSystem().create(path, FileSystem.WriteMode.OVERWRITE)) {
            out.write(
                    spec.dialect()
                            .manifest(List.of(c.stagedLocation()))
                            .getBytes(StandardCharsets.UTF_8));
        }
        s.execute(
                spec.dialect()
                        .copyFromStorage(
                                relation,
                                c.columns(),
                                spec.stagesChanges(),
                                manifest,
                                spec.iamRole(),
                                spec.s3Region()));
    }

    private void fromClient(Connection conn, Statement s, String relation, RedshiftCommittable c)
            throws SQLException, IOException {
        Path file = new Path(c.stagedLocation());
        try (InputStream raw = file.getFileSystem().open(file);
                InputStream in =
                        // by the file's own name: it may have been staged under other options
                        c.stagedLocation().endsWith(".gz")
                                ? new GZIPInputStream(raw, 1 << 16)
                                : raw) {
            conn.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            spec.dialect()
                                    .copyFromClient(relation, c.columns(), spec.stagesChanges()),
                            in,
                            1 << 16);
        }
    }

    @Override
    public void release(Statement s, RedshiftCommittable c, Optional<String> loaded)
            throws SQLException {
        if (loaded.isPresent()) {
            s.execute("DROP TABLE " + loaded.get());
        }
    }

    @Override
    public void afterCommit(RedshiftCommittable c) throws IOException {
        delete(c.stagedLocation());
        if (spec.dialect().copiesFromStorage()) {
            delete(FileStager.manifestOf(c.stagedLocation()));
        }
    }

    @Override
    public void discard(Connection conn, RedshiftCommittable c) throws IOException {
        afterCommit(c);
    }

    private static void delete(String location) throws IOException {
        Path p = new Path(location);
        p.getFileSystem().delete(p, false);
    }
}
