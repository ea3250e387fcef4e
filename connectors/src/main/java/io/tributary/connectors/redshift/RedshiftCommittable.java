package io.tributary.connectors.redshift;

import io.tributary.connectors.redshift.dialect.StagedShape;
import java.util.List;

/**
 * One writer subtask's rows of one checkpoint, staged and waiting for the commit: the staging table
 * (PostgreSQL) or staged file (Redshift), and who staged it.
 *
 * @param jobId the Flink job that staged the rows (kept across restores, so replays find their
 *     bookmark)
 * @param sinkName the sink's identity in the bookmark table
 * @param subtask the writer subtask that staged the rows
 * @param checkpointId the checkpoint the rows belong to (monotonic per writer subtask)
 * @param stagedLocation qualified staging table, or the URL of the staged file
 * @param rows how many staged rows (changes, before dedupe)
 * @param columns the columns the rows were staged with: a committable restored into a newer version
 *     of the pipeline (say, with an added column) is applied with the columns it has
 * @param newestEventTime the greatest event time (epoch ms) among the rows, from the sink's
 *     freshness column; {@link #NO_EVENT_TIME} without one
 * @param shape what the writer saw of the rows (deletes, a dimension's changes, keys each once), so
 *     the commit runs only the statements they need
 */
public record RedshiftCommittable(
        String jobId,
        String sinkName,
        int subtask,
        long checkpointId,
        String stagedLocation,
        long rows,
        List<String> columns,
        long newestEventTime,
        StagedShape shape) {

    /** No event time known for the rows. */
    public static final long NO_EVENT_TIME = Long.MIN_VALUE;

    public RedshiftCommittable {
        columns = List.copyOf(columns);
    }

    /** Rows whose shape is not known (every statement of the commit runs). */
    public RedshiftCommittable(
            String jobId,
            String sinkName,
            int subtask,
            long checkpointId,
            String stagedLocation,
            long rows,
            List<String> columns,
            long newestEventTime) {
        this(
                jobId,
                sinkName,
                subtask,
                checkpointId,
                stagedLocation,
                rows,
                columns,
                newestEventTime,
                StagedShape.UNKNOWN);
    }

    /** Rows without a known event time. */
    public RedshiftCommittable(
            String jobId,
            String sinkName,
            int subtask,
            long checkpointId,
            String stagedLocation,
            long rows,
            List<String> columns) {
        this(jobId, sinkName, subtask, checkpointId, stagedLocation, rows, columns, NO_EVENT_TIME);
    }
}
