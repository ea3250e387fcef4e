package io.tributary.connectors.redshift;

import io.tributary.connectors.redshift.internal.FileStager;
import io.tributary.connectors.redshift.internal.PostgresStager;
import io.tributary.connectors.redshift.internal.SinkSpec;
import io.tributary.connectors.redshift.internal.Stager;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * The commit side of a {@link Stager}: how the committer loads a checkpoint's staged rows inside
 * its transaction and removes the stage afterwards. The one place that chooses how a sink stages
 * ({@link #stager}) and loads ({@link #of}), so the committer reads as bookmark + apply.
 */
interface StageLoader {

    /**
     * Loads the staged rows of {@code c} in the commit transaction. Returns the relation to apply
     * them from, or empty when they went straight into the target (appends staged as files).
     *
     * @param stagedTypes the types of {@code c}'s columns, asked only when a stage table is made
     */
    Optional<String> load(
            Connection conn,
            Statement s,
            RedshiftCommittable c,
            Supplier<List<LogicalType>> stagedTypes)
            throws SQLException, IOException;

    /** In the commit transaction, after the apply: drops what held the rows in the database. */
    void release(Statement s, RedshiftCommittable c, Optional<String> loaded) throws SQLException;

    /** After the commit: removes what the transaction could not (files in storage). */
    void afterCommit(RedshiftCommittable c) throws IOException;

    /** For a replay already committed: removes whatever is left of its stage. */
    void discard(Connection conn, RedshiftCommittable c) throws SQLException, IOException;

    /** Where a writer stages: files under {@code sink.staging.path}, else a staging table. */
    static Stager stager(SinkSpec spec, String jobId, int subtask) {
        return spec.stagingPath().isPresent()
                ? new FileStager(spec, jobId, subtask)
                : new PostgresStager(spec, jobId, subtask);
    }

    /**
     * How the committer loads what a writer staged, chosen for each committable by where its rows
     * are, not by how this job stages: a committable restored from a checkpoint or savepoint may
     * have been staged the other way (the job was resumed with other options, or by a version with
     * another default), and it must still be committed once.
     */
    static StageLoader of(SinkSpec spec) {
        StageLoader table = new StagingTableLoader(spec);
        StageLoader files = new StagedFileLoader(spec);
        return new StageLoader() {
            private StageLoader of(RedshiftCommittable c) {
                return inTable(c) ? table : files;
            }

            @Override
            public Optional<String> load(
                    Connection conn,
                    Statement s,
                    RedshiftCommittable c,
                    Supplier<List<LogicalType>> stagedTypes)
                    throws SQLException, IOException {
                return of(c).load(conn, s, c, stagedTypes);
            }

            @Override
            public void release(Statement s, RedshiftCommittable c, Optional<String> loaded)
                    throws SQLException {
                of(c).release(s, c, loaded);
            }

            @Override
            public void afterCommit(RedshiftCommittable c) throws IOException {
                of(c).afterCommit(c);
            }

            @Override
            public void discard(Connection conn, RedshiftCommittable c)
                    throws SQLException, IOException {
                of(c).discard(conn, c);
            }
        };
    }

    /**
     * Whether {@code c}'s rows wait in a staging table: its location is then the table's quoted
     * name ({@code "schema"."tstg_..."}); a staged file's is a path or URI, which never starts with
     * a quote.
     */
    static boolean inTable(RedshiftCommittable c) {
        return c.stagedLocation().startsWith("\"");
    }
}
