package io.tributary.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tributary.embedded.internal.ByteMutations;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.formats.common.TimestampFormat;
import org.apache.flink.formats.csv.CsvRowDataDeserializationSchema;
import org.apache.flink.formats.json.JsonRowDataDeserializationSchema;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random mutations of valid JSON lines, CSV and gzipped JSON (bytes flipped, cut, doubled, junk and
 * line breaks inserted) read by the S3 source's reader with the quarantine policy: every file is
 * read to its end within 5 s, nothing throws, and every line is either a record or a quarantine
 * entry. The seed is printed; rerun with {@code -Dtributary.fuzz.seed}.
 */
class S3ReaderFuzzTest {

    private static final int ROUNDS = 300;
    private static final RowType ROW =
            (RowType)
                    DataTypes.ROW(
                                    DataTypes.FIELD("order_id", DataTypes.BIGINT()),
                                    DataTypes.FIELD("sku", DataTypes.STRING()),
                                    DataTypes.FIELD("total", DataTypes.DECIMAL(10, 2)),
                                    DataTypes.FIELD("at", DataTypes.TIMESTAMP(3)))
                            .getLogicalType();

    @TempDir Path dir;

    @Test
    void mutatedFilesAreReadToTheEndWithBadLinesQuarantined() throws Exception {
        long seed = Long.getLong("tributary.fuzz.seed", System.nanoTime() % 1_000_000);
        System.out.println(
                "fuzz seed " + seed + " (rerun with -Dtributary.fuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        StringBuilder json = new StringBuilder();
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            json.append(
                    String.format(
                            "{\"order_id\":%d,\"sku\":\"A-%d\",\"total\":%d.25,"
                                    + "\"at\":\"2026-11-24T08:%02d:00\"}\n",
                            i, i, i, i));
            csv.append(String.format("%d,\"A,%d\",%d.25,2026-11-24 08:%02d:00\n", i, i, i, i));
        }
        byte[][] valid = {
            json.toString().getBytes(StandardCharsets.UTF_8),
            csv.toString().getBytes(StandardCharsets.UTF_8),
            gzip(json.toString().getBytes(StandardCharsets.UTF_8))
        };
        String[] suffix = {".json", ".csv", ".json.gz"};
        long records = 0;
        long quarantined = 0;
        for (int i = 0; i < ROUNDS; i++) {
            int k = random.nextInt(valid.length);
            byte[] mutated = ByteMutations.mutate(valid[k], random);
            String format = k == 1 ? "csv" : "json";
            Path folder = Files.createDirectories(dir.resolve("round-" + i));
            String key = "f" + suffix[k];
            Files.write(folder.resolve(key), mutated);
            long[] counts;
            try {
                counts =
                        assertTimeoutPreemptively(
                                Duration.ofSeconds(5), () -> readAll(folder, key, format, mutated));
            } catch (Throwable t) {
                throw new AssertionError(
                        "seed "
                                + seed
                                + ", round "
                                + i
                                + " ("
                                + format
                                + "): the reader broke on "
                                + folder.resolve(key),
                        t);
            }
            records += counts[0];
            quarantined += counts[1];
        }
        System.out.printf(
                "reliability: fuzz (S3 reader): %d mutated files, %d records read, %d quarantined,"
                        + " 0 crashes, 0 hangs%n",
                ROUNDS, records, quarantined);
        assertThat(records).isPositive();
        assertThat(quarantined).isPositive();
    }

    /** Reads one file to its end; returns {records, quarantined}. */
    private static long[] readAll(Path folder, String key, String format, byte[] bytes)
            throws Exception {
        Configuration o = new Configuration();
        o.setString("path", folder.toUri().toString());
        o.setString("format", format);
        o.setString("scan.bad-records", "quarantine");
        o.setString("scan.max-line-bytes", "64kb");
        S3SourceConfig config = S3SourceConfigs.from(o);
        DeserializationSchema<RowData> decoder =
                format.equals("csv")
                        ? new CsvRowDataDeserializationSchema.Builder(ROW, InternalTypeInfo.of(ROW))
                                .build()
                        : new JsonRowDataDeserializationSchema(
                                ROW,
                                InternalTypeInfo.of(ROW),
                                false,
                                false,
                                TimestampFormat.ISO_8601);
        decoder.open(null);
        S3ReaderMetrics metrics =
                new S3ReaderMetrics(UnregisteredMetricsGroup.createSourceReaderMetricGroup());
        S3FileSplit split = new S3FileSplit(key, bytes.length, 0, 0, bytes.length, 0, 0);
        long records = 0;
        try (S3SplitReader<RowData> reader =
                new S3SplitReader<>(
                        config,
                        decoder,
                        null,
                        null,
                        new Quarantine(config.quarantine(), config.s3()),
                        metrics)) {
            reader.handleSplitsChanges(new SplitsAddition<>(List.of(split)));
            while (true) {
                RecordsWithSplitIds<S3SplitReader.Line<RowData>> batch = reader.fetch();
                while (batch.nextSplit() != null) {
                    S3SplitReader.Line<RowData> line;
                    while ((line = batch.nextRecordFromSplit()) != null) {
                        if (line.record() != null) {
                            records++;
                        }
                    }
                }
                if (batch.finishedSplits().contains(split.splitId())) {
                    break;
                }
            }
        }
        return new long[] {records, metrics.quarantinedCount()};
    }

    private static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }
}
