package io.tributary.connectors.redshift;

import io.tributary.connectors.redshift.internal.FileStager;
import io.tributary.connectors.redshift.internal.SinkSpec;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import org.apache.flink.core.fs.Path;
import org.apache.flink.table.types.logical.LogicalType;
import org.postgresql.PGConnection;

/**
 * Staged files the committer streams to the warehouse (PostgreSQL's COPY FROM STDIN): appends go
 * straight into the target, upserts through a temporary stage table.
 */
final class StreamedCopyLoader implements StageLoader {

    private final SinkSpec spec;

    StreamedCopyLoader(SinkSpec spec) {
        this.spec = spec;
    }

    @Override
    public Optional<String> load(
            Connection conn,
            Statement s,
            RedshiftCommittable c,
            Supplier<List<LogicalType>> stagedTypes)
            throws SQLException, IOException {
        Path file = checkStaged(c);
        boolean changes = spec.stagesChanges();
        String relation = relation(spec);
        if (changes) {
            s.execute(
                    spec.dialect()
                            .createTemporaryStage(
                                    relation,
                                    spec.dialect()
                                            .stagingColumns(c.columns(), stagedTypes.get(), true)));
        }
        try (InputStream raw = file.getFileSystem().open(file);
                InputStream in =
                        FileStager.gzipped(spec) ? new GZIPInputStream(raw, 1 << 16) : raw) {
            conn.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            spec.dialect().copyFromClient(relation, c.columns(), changes),
                            in,
                            1 << 16);
        }
        return changes ? Optional.of(relation) : Optional.empty();
    }

    @Override
    public void release(Statement s, RedshiftCommittable c, Optional<String> loaded)
            throws SQLException {
        if (loaded.isPresent()) {
            s.execute("DROP TABLE " + loaded.get());
        }
    }

    @Override
    public void discard(Connection conn, RedshiftCommittable c) throws IOException {
        afterCommit(c);
    }

    @Override
    public void afterCommit(RedshiftCommittable c) throws IOException {
        delete(c.stagedLocation());
    }

    /**
     * Appends go straight into the target (one write); upserts through a temporary table, not
     * WAL-logged, for the latest change per key.
     */
    static String relation(SinkSpec spec) {
        return spec.stagesChanges()
                ? spec.dialect().quote("__tributary_stage")
                : spec.dialect().qualified(spec.target());
    }

    static Path checkStaged(RedshiftCommittable c) throws IOException {
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
        return file;
    }

    static void delete(String location) throws IOException {
        Path p = new Path(location);
        p.getFileSystem().delete(p, false);
    }
}
