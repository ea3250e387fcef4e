package io.tributary.connectors.redshift.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;

/** Staged rows as CSV lines ({@link CsvRowEncoder}), sent on as UTF-8. */
@Internal
public final class CsvStagedRows implements StagedRows {

    private final CsvRowEncoder encoder;
    private final StringBuilder buffer = new StringBuilder(64 * 1024);

    public CsvStagedRows(CsvRowEncoder encoder) {
        this.encoder = encoder;
    }

    @Override
    public String extension() {
        return ".csv";
    }

    @Override
    public void start() {}

    @Override
    public int add(RowData row, char op, long seq) {
        int before = buffer.length();
        try {
            encoder.encode(row, op, seq, buffer);
        } catch (RuntimeException e) {
            buffer.setLength(before); // the row is not staged
            throw e;
        }
        return buffer.length() - before;
    }

    @Override
    public void end() {}

    @Override
    public int length() {
        return buffer.length();
    }

    @Override
    public void drainTo(OutputStream out) throws IOException {
        if (buffer.length() > 0) {
            out.write(buffer.toString().getBytes(StandardCharsets.UTF_8));
            buffer.setLength(0);
        }
    }
}
