package io.tributary.connectors.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;

/**
 * A reader's figures beside Flink's own {@code numRecordsIn}: {@code numBytesIn} (bytes fetched
 * from the object store, compressed as stored), {@code numRecordsQuarantined} (all bad records)
 * and, per reason, {@code reason.numRecordsQuarantined} with the label {@code reason} (one of
 * {@link Reason}).
 */
final class S3ReaderMetrics {

    /** Why a record was quarantined, as a metric label (the entry itself keeps the full text). */
    enum Reason {
        /** The decoder refused the record: malformed JSON or CSV, a value of the wrong type. */
        UNPARSEABLE("unparseable"),
        /** Bytes that are not UTF-8. */
        INVALID_UTF8("invalid_utf8"),
        /** A line longer than {@code scan.max-line-bytes}. */
        LINE_TOO_LONG("line_too_long"),
        /** A corrupt or truncated gzip, Avro, Parquet or JSON-array file. */
        CORRUPT_FILE("corrupt_file"),
        /** An Avro or Parquet file sharing no column with the table: the whole file. */
        SCHEMA_MISMATCH("schema_mismatch"),
        /** A listed file deleted before it was read whole: what was not read of it. */
        FILE_VANISHED("file_vanished");

        final String label;

        Reason(String label) {
            this.label = label;
        }
    }

    static final String QUARANTINED = "numRecordsQuarantined";
    static final String REASON_GROUP = "reason";

    private final SourceReaderMetricGroup group;
    private final Counter quarantined;
    private final Counter bytesIn;
    private final Map<Reason, Counter> byReason = new ConcurrentHashMap<>();

    S3ReaderMetrics(SourceReaderMetricGroup group) {
        this.group = group;
        this.quarantined = group.counter(QUARANTINED, new ThreadSafeSimpleCounter());
        this.bytesIn = group.getIOMetricGroup().getNumBytesInCounter();
        for (Reason r : Reason.values()) {
            // every reason shows from the start (at 0), so dashboards and alerts see the series
            reasonCounter(r);
        }
    }

    void quarantined(Reason reason) {
        quarantined.inc();
        reasonCounter(reason).inc();
    }

    long quarantinedCount() {
        return quarantined.getCount();
    }

    private Counter reasonCounter(Reason r) {
        return byReason.computeIfAbsent(
                r,
                k ->
                        group.addGroup(REASON_GROUP, k.label)
                                .counter(QUARANTINED, new ThreadSafeSimpleCounter()));
    }

    /** {@code in}, its bytes counted into {@code numBytesIn} as they are read. */
    InputStream counted(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    bytesIn.inc();
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    bytesIn.inc(n);
                }
                return n;
            }
        };
    }
}
