package io.tributary.connectors.s3;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.catalog.crawler.JsonRecordPath;
import io.tributary.objectstore.ObjectInfo;
import io.tributary.objectstore.ObjectStore;
import io.tributary.objectstore.RangeInputFile;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads the lines of its splits on the fetcher thread and decodes each with the table's format. A
 * line that cannot be read (malformed, a value that does not fit its column, invalid UTF-8, longer
 * than the limit, the rest of a corrupt gzip stream) follows the bad-record policy; every line,
 * good or bad, advances the split's position, so a restart neither rereads nor skips one.
 */
final class S3SplitReader<T> implements SplitReader<S3SplitReader.Line<T>, S3FileSplit> {

    /** A decoded record (null when the line was bad or blank) and the position after it. */
    record Line<T>(T record, long next, long lines) {}

    private static final int BATCH = 4096;
    private static final int BOM0 = 0xEF;

    private final S3SourceConfig config;
    private final JsonRecordPath jsonPath;
    private final ObjectStore store;
    private final DeserializationSchema<T> decoder;
    private final S3FileSource.RecordEnricher<T> enricher;
    private final S3FileSource.BulkDecoder<T> bulk;
    private WholeFileRecords records;
    private static final ObjectMapper ARRAY_JSON = new ObjectMapper();
    private final Quarantine quarantine;
    private final S3ReaderMetrics metrics;
    private final Deque<S3FileSplit> splits = new ArrayDeque<>();

    private S3FileSplit current;
    private InputStream stream;
    private LineReader lines;
    private long lineNo;

    S3SplitReader(
            S3SourceConfig config,
            DeserializationSchema<T> decoder,
            S3FileSource.BulkDecoder<T> bulk,
            S3FileSource.RecordEnricher<T> enricher,
            Quarantine quarantine,
            S3ReaderMetrics metrics) {
        this.config = config;
        this.jsonPath = config.jsonPath() == null ? null : JsonRecordPath.parse(config.jsonPath());
        this.store = config.open();
        this.decoder = decoder;
        this.bulk = bulk;
        this.enricher = enricher;
        this.quarantine = quarantine;
        this.metrics = metrics;
    }

    @Override
    public RecordsWithSplitIds<Line<T>> fetch() throws IOException {
        RecordsBySplits.Builder<Line<T>> out = new RecordsBySplits.Builder<>();
        if (current == null) {
            current = splits.poll();
            if (current == null) {
                return out.build();
            }
            try {
                open(current);
            } catch (IOException | RuntimeException e) {
                if (!vanished(e)) {
                    throw e;
                }
                // deleted after it was listed (or while the job was down): a restart would find
                // it gone again, so it is recorded and the reader moves on
                bad(
                        current.linesRead(),
                        current.offset(),
                        null,
                        S3ReaderMetrics.Reason.FILE_VANISHED,
                        "the file is no longer there (deleted after it was listed): " + reason(e));
                finish(out);
                return out.build();
            }
        }
        String id = current.splitId();
        List<Line<T>> batch = new ArrayList<>(BATCH);
        if (records != null) {
            return fetchWhole(out, id, batch);
        }
        for (int i = 0; i < BATCH; i++) {
            long start = lines.position();
            if (!current.compressed() && start >= current.end()) {
                return flush(out, id, batch, true);
            }
            LineReader.Line line;
            try {
                line = lines.next();
            } catch (IOException e) {
                if (!current.compressed() || storageFailure(e)) {
                    throw e; // a network failure: the job restarts from its checkpoint
                }
                bad(
                        lineNo,
                        start,
                        null,
                        S3ReaderMetrics.Reason.CORRUPT_FILE,
                        "corrupt or truncated gzip after line " + lineNo + ": " + e.getMessage());
                return flush(out, id, batch, true);
            }
            if (line == null) {
                return flush(out, id, batch, true);
            }
            lineNo++;
            long next = current.compressed() ? 0 : line.next();
            byte[] bytes = line.bytes();
            if (start == 0
                    && bytes.length >= 3
                    && (bytes[0] & 0xff) == BOM0
                    && (bytes[1] & 0xff) == 0xBB
                    && (bytes[2] & 0xff) == 0xBF) {
                bytes = Arrays.copyOfRange(bytes, 3, bytes.length);
            }
            if (current.start() == 0 && lineNo <= config.headerLines()) {
                batch.add(new Line<>(null, next, lineNo));
                continue;
            }
            if (line.tooLong()) {
                bad(
                        lineNo,
                        start,
                        bytes,
                        S3ReaderMetrics.Reason.LINE_TOO_LONG,
                        "line longer than scan.max-line-bytes ("
                                + config.maxLineBytes()
                                + " bytes)");
                batch.add(new Line<>(null, next, lineNo));
                continue;
            }
            if (isBlank(bytes)) {
                batch.add(new Line<>(null, next, lineNo));
                continue;
            }
            String problem = utf8Problem(bytes);
            S3ReaderMetrics.Reason why =
                    problem == null
                            ? S3ReaderMetrics.Reason.UNPARSEABLE
                            : S3ReaderMetrics.Reason.INVALID_UTF8;
            T record = null;
            if (problem == null) {
                try {
                    record = decoder.deserialize(bytes);
                    if (record == null) {
                        // a JSON null: no record, and not a blank line either
                        problem = "the line holds no record";
                    } else if (enricher != null) {
                        record = enricher.enrich(record, current.key());
                    }
                } catch (IOException | RuntimeException e) {
                    problem = reason(e);
                }
            }
            if (problem != null) {
                bad(lineNo, start, bytes, why, problem);
            }
            batch.add(new Line<>(record, next, lineNo));
        }
        return flush(out, id, batch, false);
    }

    /** Hands the batch over, marking the split finished when it is. */
    private RecordsWithSplitIds<Line<T>> flush(
            RecordsBySplits.Builder<Line<T>> out, String id, List<Line<T>> batch, boolean done)
            throws IOException {
        out.addAll(id, batch);
        if (done) {
            finish(out);
        }
        return out.build();
    }

    /** Whether the object is gone: S3 answers 404 for it, or the file no longer exists. */
    static boolean vanished(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NoSuchKeyException
                    || t instanceof NoSuchFileException
                    || t instanceof FileNotFoundException
                    || (t instanceof S3Exception s3 && s3.statusCode() == 404)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether reading failed because S3 (or the disk) did, not the data: such a failure fails the
     * task, which restarts from its checkpoint, instead of quarantining a good file.
     */
    static boolean storageFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SdkException
                    || t instanceof SocketException
                    || t instanceof SocketTimeoutException
                    || t instanceof InterruptedIOException
                    || t instanceof NoSuchFileException
                    || t instanceof AccessDeniedException
                    // the HTTP client's own "connection closed early" family
                    || t.getClass().getName().startsWith("org.apache.http.")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isBlank(byte[] b) {
        for (byte x : b) {
            if (x != ' ' && x != '\t' && x != '\r') {
                return false;
            }
        }
        return true;
    }

    private final CharsetDecoder utf8 =
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);

    /** Null when the bytes are UTF-8 (ASCII is checked without decoding). */
    private String utf8Problem(byte[] b) {
        boolean ascii = true;
        for (byte x : b) {
            if (x < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return null;
        }
        try {
            utf8.reset();
            utf8.decode(ByteBuffer.wrap(b));
            return null;
        } catch (CharacterCodingException e) {
            return "invalid UTF-8";
        }
    }

    private static String reason(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null && b.length() < 500; t = t.getCause()) {
            if (t.getMessage() != null) {
                b.append(b.length() == 0 ? "" : ": ").append(t.getMessage());
            }
        }
        return b.length() == 0 ? e.getClass().getSimpleName() : b.toString();
    }

    private void bad(long line, long offset, byte[] raw, S3ReaderMetrics.Reason why, String reason)
            throws IOException {
        String file = store.uri(current.key());
        String where =
                config.bulkFormat() != null
                        ? "record " + line
                        : current.compressed() || current.start() == 0
                                ? "line " + line
                                : "byte " + offset;
        switch (config.badRecords()) {
            case FAIL ->
                    throw new IOException(
                            "Bad record in "
                                    + file
                                    + " at "
                                    + where
                                    + ": "
                                    + quarantine.reasonToPrint(raw, reason)
                                    + " (scan.bad-records = fail)");
            case QUARANTINE ->
                    quarantine.put(
                            file,
                            current.compressed() || current.start() == 0 ? line : -1,
                            current.compressed() ? -1 : offset,
                            raw,
                            why.label,
                            reason);
            case SKIP_AND_COUNT -> {}
        }
        metrics.quarantined(why);
    }

    /**
     * The records of a file read whole (Avro, Parquet, one JSON array), one at a time, null at the
     * end: an Avro {@code GenericRecord} or a JSON element's bytes.
     */
    private interface WholeFileRecords extends AutoCloseable {
        Object next() throws IOException;

        @Override
        default void close() throws IOException {}
    }

    /** What a whole-file record is, for messages: "avro file", "parquet file", "JSON array". */
    private String wholeFileKind() {
        return config.jsonArrays() ? "JSON array" : config.bulkFormat() + " file";
    }

    private WholeFileRecords openWhole(S3FileSplit s) throws IOException {
        if (config.jsonArrays()) {
            InputStream in = metrics.counted(store.openAt(s.key(), 0));
            stream = s.compressed() ? new GZIPInputStream(in, 64 * 1024) : in;
            JsonParser p = ARRAY_JSON.getFactory().createParser(stream);
            if (config.jsonPath() != null) {
                if (!jsonPath.seek(p)) {
                    p.close();
                    throw new IOException("the file has no array of records at " + jsonPath);
                }
            } else if (p.nextToken() != JsonToken.START_ARRAY) {
                p.close();
                throw new IOException("the file does not start with a JSON array");
            }
            return new WholeFileRecords() {
                @Override
                public Object next() throws IOException {
                    JsonToken t = p.nextToken();
                    if (t == null || t == JsonToken.END_ARRAY) {
                        return null;
                    }
                    return ARRAY_JSON.writeValueAsBytes(ARRAY_JSON.readTree(p));
                }

                @Override
                public void close() throws IOException {
                    p.close();
                }
            };
        }
        if (config.bulkFormat().equals("avro")) {
            DataFileStream<GenericRecord> in =
                    new DataFileStream<>(
                            metrics.counted(store.openAt(s.key(), 0)), new GenericDatumReader<>());
            return new WholeFileRecords() {
                @Override
                public Object next() {
                    return in.hasNext() ? in.next() : null;
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        }
        ParquetReader<GenericRecord> in =
                AvroParquetReader.<GenericRecord>builder(
                                new RangeInputFile(store, new ObjectInfo(s.key(), s.size(), null)))
                        .build();
        return new WholeFileRecords() {
            @Override
            public Object next() throws IOException {
                return in.read();
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** Reads the next records of a whole-file split: the position is records consumed. */
    private RecordsWithSplitIds<Line<T>> fetchWhole(
            RecordsBySplits.Builder<Line<T>> out, String id, List<Line<T>> batch)
            throws IOException {
        for (int i = 0; i < BATCH; i++) {
            Object item;
            try {
                item = records.next();
            } catch (IOException | RuntimeException e) {
                if (storageFailure(e)) {
                    throw e;
                }
                bad(
                        lineNo + 1,
                        -1,
                        null,
                        S3ReaderMetrics.Reason.CORRUPT_FILE,
                        (config.jsonArrays()
                                        ? "malformed JSON array after element "
                                        : "corrupt " + wholeFileKind() + " after record ")
                                + lineNo
                                + ": "
                                + reason(e));
                return flush(out, id, batch, true);
            }
            if (item == null) {
                return flush(out, id, batch, true);
            }
            lineNo++;
            T record = null;
            try {
                record =
                        item instanceof byte[] json
                                ? decoder.deserialize(json)
                                : bulk.decode((GenericRecord) item);
                if (record == null) {
                    bad(
                            lineNo,
                            -1,
                            item instanceof byte[] json ? json : null,
                            S3ReaderMetrics.Reason.UNPARSEABLE,
                            "the element holds no record");
                } else if (enricher != null) {
                    record = enricher.enrich(record, current.key());
                }
            } catch (AvroRowDecoder.NoCommonColumns e) {
                // every record of a file has the file's schema: one entry for the whole file
                bad(
                        0,
                        -1,
                        null,
                        S3ReaderMetrics.Reason.SCHEMA_MISMATCH,
                        "schema mismatch, the file is not read: " + e.getMessage());
                return flush(out, id, batch, true);
            } catch (IOException | RuntimeException e) {
                byte[] raw =
                        item instanceof byte[] json
                                ? json
                                : String.valueOf(item).getBytes(StandardCharsets.UTF_8);
                bad(lineNo, -1, raw, S3ReaderMetrics.Reason.UNPARSEABLE, reason(e));
            }
            batch.add(new Line<>(record, 0, lineNo));
        }
        return flush(out, id, batch, false);
    }

    /** A file that cannot be read at all: one quarantine entry, then the next split. */
    private void unreadable(String why) throws IOException {
        bad(0, -1, null, S3ReaderMetrics.Reason.CORRUPT_FILE, why);
        records = () -> null;
    }

    private void open(S3FileSplit s) throws IOException {
        lineNo = s.linesRead();
        if (config.jsonArrays() || config.bulkFormat() != null) {
            try {
                records = openWhole(s);
                for (long i = 0; i < s.linesRead(); i++) {
                    records.next();
                }
            } catch (IOException | RuntimeException e) {
                if (storageFailure(e)) {
                    throw e;
                }
                unreadable("not a readable " + wholeFileKind() + ": " + reason(e));
            }
            return;
        }
        if (s.compressed()) {
            InputStream raw = metrics.counted(store.openAt(s.key(), 0));
            try {
                stream = new GZIPInputStream(raw, 64 * 1024);
            } catch (IOException e) {
                raw.close();
                if (storageFailure(e)) {
                    throw e;
                }
                unreadable("not a readable gzip file (bad header): " + reason(e));
                return;
            }
            lines = new LineReader(stream, 0, config.maxLineBytes(), config.multiLine());
            for (long i = 0; i < s.linesRead(); i++) {
                lines.next();
            }
            return;
        }
        if (s.offset() > s.start() || s.start() == 0) {
            stream = metrics.counted(store.openAt(s.key(), s.offset()));
            lines = new LineReader(stream, s.offset(), config.maxLineBytes(), config.multiLine());
        } else {
            // a split starting mid-file begins at the first line that starts inside it
            stream = metrics.counted(store.openAt(s.key(), s.start() - 1));
            lines =
                    new LineReader(
                            stream, s.start() - 1, config.maxLineBytes(), config.multiLine());
            lines.skipToLineStart();
        }
    }

    private void finish(RecordsBySplits.Builder<Line<T>> out) throws IOException {
        out.addFinishedSplit(current.splitId());
        if (records != null) {
            try {
                records.close();
            } catch (Exception e) {
                throw new IOException(e);
            }
            records = null;
        }
        if (stream != null) {
            stream.close();
        }
        stream = null;
        lines = null;
        current = null;
    }

    @Override
    public void handleSplitsChanges(SplitsChange<S3FileSplit> change) {
        splits.addAll(change.splits());
    }

    @Override
    public void wakeUp() {}

    @Override
    public void close() throws Exception {
        if (stream != null) {
            stream.close();
        }
        store.close();
    }
}
