package io.tributary.catalog.crawler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tributary.embedded.internal.ByteMutations;
import io.tributary.objectstore.ObjectInfo;
import io.tributary.objectstore.ObjectStore;
import io.tributary.objectstore.ObjectStores;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random mutations of valid JSON, CSV, gzip, Avro and Parquet files (bytes flipped, cut, doubled,
 * junk inserted) handed to the crawler's classifier: every one is classified or refused with a
 * reason, none throws, none hangs (2 s each). The seed is printed; rerun with {@code
 * -Dtributary.fuzz.seed}. A failing input is kept under target/fuzz-failures.
 */
class FileClassifierFuzzTest {

    private static final int ROUNDS = 400;

    @TempDir Path dir;

    @Test
    void mutatedFilesAreClassifiedOrRefusedNeverCrashOrHang() throws Exception {
        long seed = Long.getLong("tributary.fuzz.seed", System.nanoTime() % 1_000_000);
        System.out.println(
                "fuzz seed " + seed + " (rerun with -Dtributary.fuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        List<byte[]> valid = validFiles();
        String[] names = {"f.json", "f.csv", "f.json.gz", "f.avro", "f.parquet"};
        ObjectStore store = ObjectStores.open(dir.toUri().toString(), null);
        FileClassifier classifier = new FileClassifier(store, 64 * 1024, 100);
        int classified = 0;
        int refused = 0;
        for (int i = 0; i < ROUNDS; i++) {
            int k = random.nextInt(valid.size());
            byte[] mutated = ByteMutations.mutate(valid.get(k), random);
            String key = "round-" + i + "-" + names[k];
            Files.write(dir.resolve(key), mutated);
            ObjectInfo info = new ObjectInfo(key, mutated.length, Instant.now());
            FileSchema schema;
            try {
                schema =
                        assertTimeoutPreemptively(
                                Duration.ofSeconds(2), () -> classifier.classify(info));
            } catch (Throwable t) {
                Path kept = Path.of("target/fuzz-failures").resolve(key);
                Files.createDirectories(kept.getParent());
                Files.write(kept, mutated);
                throw new AssertionError(
                        "seed "
                                + seed
                                + ": "
                                + key
                                + " (kept in "
                                + kept
                                + ") broke the classifier",
                        t);
            }
            assertThat(schema).as(key).isNotNull();
            if (schema.classified()) {
                classified++;
            } else {
                refused++;
            }
        }
        System.out.printf(
                "reliability: fuzz (crawler): %d mutated files, %d classified, %d refused with a"
                        + " reason, 0 crashes, 0 hangs%n",
                ROUNDS, classified, refused);
        assertThat(classified + refused).isEqualTo(ROUNDS);
    }

    private List<byte[]> validFiles() throws Exception {
        List<byte[]> out = new ArrayList<>();
        StringBuilder json = new StringBuilder();
        StringBuilder csv = new StringBuilder("order_id,sku,total,at\n");
        for (int i = 0; i < 50; i++) {
            json.append(
                    String.format(
                            "{\"order_id\":%d,\"sku\":\"A-%d\",\"total\":%d.25,\"tags\":[\"x\"],"
                                    + "\"at\":\"2026-11-24T08:%02d:00\"}%n",
                            i, i, i, i));
            csv.append(String.format("%d,\"A,%d\",%d.25,2026-11-24 08:%02d:00%n", i, i, i, i));
        }
        out.add(json.toString().getBytes(StandardCharsets.UTF_8));
        out.add(csv.toString().getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(out.get(0));
        }
        out.add(gz.toByteArray());

        Schema schema =
                SchemaBuilder.record("order")
                        .fields()
                        .requiredLong("order_id")
                        .optionalString("sku")
                        .requiredDouble("total")
                        .endRecord();
        Path avro = dir.resolve("valid.avro");
        try (DataFileWriter<GenericRecord> w =
                new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
            w.create(schema, avro.toFile());
            for (int i = 0; i < 50; i++) {
                w.append(record(schema, i));
            }
        }
        out.add(Files.readAllBytes(avro));
        Path parquet = dir.resolve("valid.parquet");
        try (ParquetWriter<GenericRecord> w =
                AvroParquetWriter.<GenericRecord>builder(
                                HadoopOutputFile.fromPath(
                                        new org.apache.hadoop.fs.Path(parquet.toUri()),
                                        new Configuration()))
                        .withSchema(schema)
                        .build()) {
            for (int i = 0; i < 50; i++) {
                w.write(record(schema, i));
            }
        }
        out.add(Files.readAllBytes(parquet));
        Files.delete(avro);
        Files.delete(parquet);
        return out;
    }

    private static GenericRecord record(Schema schema, int i) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("order_id", (long) i);
        r.put("sku", "A-" + i);
        r.put("total", i + 0.25);
        return r;
    }
}
