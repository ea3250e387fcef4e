package io.tributary.connectors.redshift.internal;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;

/**
 * A stage's rows as the bytes a COPY reads, buffered until a stager sends them on: CSV (both
 * dialects; Redshift's COPY reads nothing else of ours) or PostgreSQL's binary COPY format.
 */
@Internal
public interface StagedRows {

    /** The rows of a sink as its dialect COPYs them fastest. */
    static StagedRows of(SinkSpec spec) {
        return spec.dialect().copiesBinary()
                ? new PgCopyBinaryEncoder(spec.rowType(), spec.dialect(), spec.stagesChanges())
                : new CsvStagedRows(CsvRowEncoder.of(spec));
    }

    /** What a staged file of these rows is named with, before any compression's. */
    String extension();

    /** Buffers what comes before the first row (a header), at the start of a stage. */
    void start();

    /** Buffers one row (then its op and sequence number, for upserts); returns its bytes. */
    int add(RowData row, char op, long seq);

    /** Buffers what comes after the last row, at the end of a stage. */
    void end();

    /** The bytes buffered. */
    int length();

    /** Writes the buffered bytes to {@code out} and empties the buffer. */
    void drainTo(OutputStream out) throws IOException;
}
