package io.tributary.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The source's serializers round-trip; the line reader keeps exact positions. */
class S3SourcePartsTest {

    @Test
    void splitAndEnumeratorStateRoundTrip() throws Exception {
        S3FileSplit split = new S3FileSplit("dt=1/ünï \"x\".json", 100, 5, 64, 100, 70, 3);
        S3FileSplitSerializer ser = S3FileSplitSerializer.INSTANCE;
        assertThat(ser.deserialize(ser.getVersion(), ser.serialize(split))).isEqualTo(split);

        S3EnumeratorState state =
                new S3EnumeratorState(
                        "dt=9/z.json", 123, 456, Map.of("a", 1L, "b", 2L), List.of(split));
        S3EnumeratorStateSerializer es = new S3EnumeratorStateSerializer();
        assertThat(es.deserialize(es.getVersion(), es.serialize(state))).isEqualTo(state);
        S3EnumeratorState empty =
                new S3EnumeratorState(null, Long.MIN_VALUE, 0, Map.of(), List.of());
        assertThat(es.deserialize(es.getVersion(), es.serialize(empty))).isEqualTo(empty);
    }

    /**
     * A DATE partition column holds what Flink's {@code CAST(... AS DATE)} makes of the folder's
     * value (the reference pipeline cast it per row before), and NULL where that is no date.
     */
    @Test
    void dateFoldersReadAsFlinksCastReadsThem() {
        PathFields fields =
                new PathFields(
                        List.of("dt", "n"),
                        List.of(
                                new org.apache.flink.table.types.logical.DateType(),
                                new org.apache.flink.table.types.logical.IntType()));
        org.apache.flink.table.data.GenericRowData line =
                org.apache.flink.table.data.GenericRowData.of(1L);
        for (String dt :
                List.of("2026-11-24", "2026-1-5", "1970-01-01", "0001-01-01", "9999-12-31")) {
            org.apache.flink.table.data.RowData row =
                    fields.append(line, "dt=" + dt + "/n=7/part-0.json");
            assertThat(row.getInt(1))
                    .as(dt)
                    .isEqualTo(
                            org.apache.flink.table.data.binary.BinaryStringDataUtil.toDate(
                                    org.apache.flink.table.data.binary.BinaryStringData.fromString(
                                            dt)));
            assertThat(row.getInt(2)).isEqualTo(7);
        }
        assertThat(fields.append(line, "dt=2026-11-24/n=7/a.json").getInt(1))
                .isEqualTo((int) java.time.LocalDate.of(2026, 11, 24).toEpochDay());
        org.apache.flink.table.data.RowData bad = fields.append(line, "dt=2026-13-45/n=x/b.json");
        assertThat(bad.isNullAt(1)).isTrue();
        assertThat(bad.isNullAt(2)).isTrue();
        assertThat(fields.append(line, "dt=__HIVE_DEFAULT_PARTITION__/n=1/c.json").isNullAt(1))
                .isTrue();
    }

    private static List<String> lines(String text, long start, int max) throws Exception {
        return lines(text, start, max, false);
    }

    private static List<String> lines(String text, long start, int max, boolean quoted)
            throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        LineReader r = new LineReader(new ByteArrayInputStream(b), start, max, quoted);
        List<String> out = new ArrayList<>();
        LineReader.Line l;
        while ((l = r.next()) != null) {
            out.add(
                    new String(l.bytes(), StandardCharsets.UTF_8)
                            + "@"
                            + l.next()
                            + (l.tooLong() ? "!" : ""));
        }
        return out;
    }

    @Test
    void lineReaderPositionsCrlfLongLinesAndNoFinalNewline() throws Exception {
        assertThat(lines("ab\r\ncd\nlast", 0, 100)).containsExactly("ab@4", "cd@7", "last@11");
        assertThat(lines("abcdef\ngh\n", 10, 3)).containsExactly("abc@17!", "gh@20");
        assertThat(lines("", 0, 10)).isEmpty();
        assertThat(lines("\n\n", 0, 10)).containsExactly("@1", "@2");
    }

    @Test
    void quotedRecordsGoOnAcrossLineBreaksInsideQuotes() throws Exception {
        String csv = "id,note\n1,\"two\nlines\"\n2,\"say \"\"hi\"\"\nthen\r\nbye\"\n3,plain\n";
        assertThat(lines(csv, 0, 100, true))
                .containsExactly(
                        "id,note@8",
                        "1,\"two\nlines\"@22",
                        "2,\"say \"\"hi\"\"\nthen\nbye\"@47",
                        "3,plain@55");
        // without quoted records, the same bytes are lines
        assertThat(lines(csv, 0, 100, false)).hasSize(7);
        // a file ending inside quotes ends the record there; a record over the limit is flagged
        assertThat(lines("1,\"open\nnever closed", 0, 100, true))
                .containsExactly("1,\"open\nnever closed@20");
        assertThat(lines("1,\"aaaa\nbbbbbbbb\"\n2,x\n", 0, 10, true))
                .containsExactly("1,\"aaaa@18!", "2,x@22");
    }

    @Test
    void aSplitStartingMidLineBeginsAtTheNextLine() throws Exception {
        byte[] b = "first line\nsecond\nthird\n".getBytes(StandardCharsets.UTF_8);
        // a split starting at byte 5 (inside "first line") reads from "second"
        LineReader r = new LineReader(new ByteArrayInputStream(b, 4, b.length - 4), 4, 100);
        r.skipToLineStart();
        assertThat(r.position()).isEqualTo(11);
        assertThat(new String(r.next().bytes(), StandardCharsets.UTF_8)).isEqualTo("second");
        // a split starting exactly at a line start keeps that line
        LineReader exact = new LineReader(new ByteArrayInputStream(b, 10, b.length - 10), 10, 100);
        exact.skipToLineStart();
        assertThat(exact.position()).isEqualTo(11);
    }

    @Test
    void storageFailuresFailTheTaskWhileCorruptDataIsQuarantined() {
        assertThat(S3SplitReader.storageFailure(new java.util.zip.ZipException("bad header")))
                .isFalse();
        assertThat(S3SplitReader.storageFailure(new java.io.EOFException("Unexpected end")))
                .isFalse();
        assertThat(
                        S3SplitReader.storageFailure(
                                new java.io.IOException(
                                        "Reading s3://b/k failed",
                                        software.amazon.awssdk.core.exception.SdkClientException
                                                .create("Unable to execute HTTP request"))))
                .isTrue();
        assertThat(
                        S3SplitReader.storageFailure(
                                new java.io.IOException(new java.net.SocketException("reset"))))
                .isTrue();
    }
}
