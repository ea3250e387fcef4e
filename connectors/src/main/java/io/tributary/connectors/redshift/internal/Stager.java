package io.tributary.connectors.redshift.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.apache.flink.annotation.Internal;

/**
 * Where a writer puts one checkpoint's rows until the committer applies them: a durable staging
 * table (PostgreSQL, COPY FROM STDIN) or a file (CSV, gzip'd on S3, for Redshift; PostgreSQL's
 * binary COPY format for PostgreSQL).
 */
@Internal
public interface Stager extends AutoCloseable {

    /** Opens the stage for the rows of checkpoint {@code checkpointId}. */
    Batch open(long checkpointId) throws IOException;

    /**
     * Removes stages of this writer numbered above {@code restoredCheckpointId}: never committed.
     */
    void removeOrphans(long restoredCheckpointId) throws IOException;

    @Override
    void close() throws IOException;

    /** One open stage; rows are added as {@link StagedRows} encodes them. */
    interface Batch {
        /**
         * Stages one row (then its op and sequence number, for upserts), sending the buffer on when
         * it is full; returns the bytes the row took.
         */
        int add(org.apache.flink.table.data.RowData row, char op, long seq) throws IOException;

        /** Makes the stage durable; returns its location for the committable. */
        String finish() throws IOException;

        /** Drops the stage (writer closing without a checkpoint). */
        void abort();
    }

    /** The stage's name: unique per job, sink, writer subtask and checkpoint. */
    static String stageName(String jobId, String sinkName, int subtask, long checkpointId) {
        return stagePrefix(jobId, sinkName, subtask) + checkpointId;
    }

    static String stagePrefix(String jobId, String sinkName, int subtask) {
        CRC32 crc = new CRC32();
        crc.update(sinkName.getBytes(StandardCharsets.UTF_8));
        return String.format(
                "tstg_%s_%08x_%d_",
                jobId.substring(0, Math.min(16, jobId.length())), crc.getValue(), subtask);
    }

    /** The checkpoint id at the end of a stage name made by {@link #stageName}. */
    static long checkpointOf(String stageName) {
        int i = stageName.lastIndexOf('_');
        String tail = stageName.substring(i + 1).replaceAll("\\D.*$", "");
        return tail.isEmpty() ? -1 : Long.parseLong(tail);
    }
}
