package io.tributary.connectors.redshift;

import io.tributary.connectors.redshift.dialect.WarehouseDialect;
import io.tributary.connectors.redshift.internal.FileStager;
import io.tributary.connectors.redshift.internal.PgCopyBinaryEncoder;
import io.tributary.connectors.redshift.internal.SinkSpec;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        if (!spec.dialect().copiesFromStorage() && FileStager.binary(c.stagedLocation())) {
            return loadBinary(conn, s, c);
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
        try (InputStream in = openStaged(c)) {
            copyIn(
                    conn,
                    spec.dialect()
                            .copyFromClient(relation, c.columns(), spec.stagesChanges(), false),
                    in);
        }
    }

    /**
     * A file in PostgreSQL's binary COPY format: into a stage of the types the file names (binary
     * values fit no other), straight into the target for appends when each of its columns reads the
     * staged type, else through a stage and an INSERT that converts.
     */
    private Optional<String> loadBinary(Connection conn, Statement s, RedshiftCommittable c)
            throws SQLException, IOException {
        boolean changes = spec.stagesChanges();
        WarehouseDialect dialect = spec.dialect();
        try (InputStream in = new BufferedInputStream(openStaged(c), 1 << 16)) {
            in.mark(1 << 21);
            List<String> types =
                    PgCopyBinaryEncoder.stagedTypes(in)
                            .orElseThrow(
                                    () ->
                                            new IOException(
                                                    "Staged file "
                                                            + c.stagedLocation()
                                                            + " names no column types"));
            in.reset();
            int columns = c.columns().size();
            if (types.size() != columns + (changes ? 2 : 0)) {
                throw new IllegalStateException(
                        "Staged file "
                                + c.stagedLocation()
                                + " holds "
                                + types.size()
                                + " columns, the sink stages "
                                + (columns + (changes ? 2 : 0))
                                + " for its "
                                + (changes ? "upserts" : "appends")
                                + ": it was staged by a job of another sink.mode");
            }
            String target = dialect.qualified(spec.target());
            if (!changes && targetReads(conn, c.columns(), types)) {
                copyIn(conn, dialect.copyFromClient(target, c.columns(), false, true), in);
                return Optional.empty();
            }
            String stage = dialect.quote("__tributary_stage");
            List<String> defs = new ArrayList<>();
            for (int i = 0; i < columns; i++) {
                defs.add(dialect.quote(c.columns().get(i)) + " " + types.get(i));
            }
            if (changes) {
                defs.add(
                        dialect.quote(WarehouseDialect.OP_COLUMN)
                                + " "
                                + types.get(columns)
                                + " NOT NULL");
                defs.add(
                        dialect.quote(WarehouseDialect.SEQ_COLUMN)
                                + " "
                                + types.get(columns + 1)
                                + " NOT NULL");
            }
            s.execute(dialect.createTemporaryStage(stage, "(" + String.join(", ", defs) + ")"));
            copyIn(conn, dialect.copyFromClient(stage, c.columns(), changes, true), in);
            if (changes) {
                return Optional.of(stage);
            }
            String list = dialect.columnList(c.columns());
            s.execute(
                    "INSERT INTO " + target + " (" + list + ") SELECT " + list + " FROM " + stage);
            s.execute("DROP TABLE " + stage);
            return Optional.empty();
        }
    }

    /** Whether each of {@code columns} of the target reads its staged type's binary values. */
    private boolean targetReads(Connection conn, List<String> columns, List<String> types)
            throws SQLException {
        Map<String, String> have = new HashMap<>();
        try (PreparedStatement ps =
                conn.prepareStatement(
                        "SELECT a.attname, a.atttypid::regtype::text FROM pg_attribute a"
                                + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0"
                                + " AND NOT a.attisdropped")) {
            ps.setString(1, spec.dialect().qualified(spec.target()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    have.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        for (int i = 0; i < columns.size(); i++) {
            String regtype = have.get(columns.get(i));
            if (regtype == null || !PgCopyBinaryEncoder.readsAs(regtype, types.get(i))) {
                return false;
            }
        }
        return true;
    }

    private InputStream openStaged(RedshiftCommittable c) throws IOException {
        Path file = new Path(c.stagedLocation());
        InputStream raw = file.getFileSystem().open(file);
        // by the file's own name: it may have been staged under other options
        return c.stagedLocation().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    private static void copyIn(Connection conn, String sql, InputStream in)
            throws SQLException, IOException {
        conn.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, in, 1 << 16);
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
