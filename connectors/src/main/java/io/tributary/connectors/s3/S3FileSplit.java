package io.tributary.connectors.s3;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * A byte range of one file (the whole file when compressed), and how far it was read: {@code
 * offset} is the byte where the next line starts (uncompressed files), {@code linesRead} the lines
 * consumed (compressed files restart from their beginning and skip them).
 */
@Internal
public record S3FileSplit(
        String key, long size, long modified, long start, long end, long offset, long linesRead)
        implements SourceSplit {

    @Override
    public String splitId() {
        return key + "@" + start;
    }

    boolean compressed() {
        return key.endsWith(".gz");
    }

    S3FileSplit at(long newOffset, long lines) {
        return new S3FileSplit(key, size, modified, start, end, newOffset, lines);
    }
}
