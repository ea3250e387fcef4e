package io.tributary.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The bad-input corpus kept in the repository ({@code src/test/corpus/bad-input}, written by {@code
 * generate.sh}) read by a continuous S3 source, one format at a time: every good row arrives once,
 * every bad record is quarantined with the line and the kind of problem {@code expected.json}
 * gives, and the job is still running (a file landing afterwards is read).
 */
class BadInputCorpusITCase {

    static final Path CORPUS = Path.of("src/test/corpus/bad-input");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> FIGURES = Collections.synchronizedMap(new TreeMap<>());

    private final S3Service s3 = SharedServices.s3();

    @AfterAll
    static void figures() {
        if (FIGURES.size() == 3) {
            System.out.println(
                    "reliability: bad input corpus (src/test/corpus, S3 source, continuous): "
                            + String.join("; ", FIGURES.values())
                            + "; every good row read once, every bad record quarantined with its"
                            + " line and reason, the job still running");
        }
    }

    @Test
    void theCorpusInTheRepositoryIsWhatItsScriptWrites(@TempDir Path tmp) throws Exception {
        BadInputCorpus.write(tmp);
        List<Path> expected = files(tmp);
        assertThat(files(CORPUS).stream().filter(p -> !p.toString().equals("README.md")))
                .as("run src/test/corpus/generate.sh and commit what it writes")
                .containsExactlyElementsOf(expected);
        for (Path p : expected) {
            if (p.toString().endsWith(".parquet")) {
                // parquet-mr lists a column's encodings from a hash set: the bytes vary by JVM,
                // so Parquet files are compared by what they hold
                assertThat(parquetContent(CORPUS.resolve(p)))
                        .as("%s holds what generate.sh writes", p)
                        .isEqualTo(parquetContent(tmp.resolve(p)));
                continue;
            }
            assertThat(Files.mismatch(tmp.resolve(p), CORPUS.resolve(p)))
                    .as("%s differs from what generate.sh writes", p)
                    .isEqualTo(-1L);
        }
    }

    /** A Parquet file's records as text, or "unreadable" with its size. */
    private static List<String> parquetContent(Path file) {
        List<String> out = new ArrayList<>();
        try (org.apache.parquet.hadoop.ParquetReader<org.apache.avro.generic.GenericRecord> in =
                org.apache.parquet.avro.AvroParquetReader
                        .<org.apache.avro.generic.GenericRecord>builder(
                                org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
                                        new org.apache.hadoop.fs.Path(file.toUri()),
                                        new org.apache.hadoop.conf.Configuration()))
                        .build()) {
            for (var r = in.read(); r != null; r = in.read()) {
                out.add(r.getSchema() + " " + r);
            }
        } catch (Exception e) {
            out.add("unreadable, " + file.toFile().length() + " bytes");
        }
        return out;
    }

    private static List<Path> files(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    private String table(String format, String bucket) {
        return "CREATE TABLE src ("
                + BadInputCorpus.COLUMNS
                + ") WITH ('connector' = 'tributary-s3', 'format' = '"
                + format
                + "',"
                + (format.equals("csv") ? " 'scan.header-lines' = '1'," : "")
                + " 'path' = 's3://"
                + bucket
                + "/in/', 's3.endpoint' = '"
                + s3.endpoint()
                + "', 's3.path-style' = 'true', 's3.access-key' = '"
                + S3Service.ACCESS_KEY
                + "', 's3.secret-key' = '"
                + S3Service.SECRET_KEY
                + "', 'scan.interval' = '300 ms', 'scan.clock-skew' = '2 s',"
                + " 'scan.max-line-bytes' = '"
                + BadInputCorpus.MAX_LINE
                + "', 'scan.bad-records' = 'quarantine')";
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "csv", "parquet"})
    void everyBadRecordIsQuarantinedWithItsReasonAndEveryGoodRowIsReadOnce(String format)
            throws Exception {
        JsonNode expected = JSON.readTree(CORPUS.resolve("expected.json").toFile()).get(format);
        List<Long> goodIds = new ArrayList<>();
        List<String> badRecords = new ArrayList<>();
        expected.fields()
                .forEachRemaining(
                        f -> {
                            for (JsonNode range : f.getValue().get("good")) {
                                for (long i = range.get(0).asLong();
                                        i <= range.get(1).asLong();
                                        i++) {
                                    goodIds.add(i);
                                }
                            }
                            for (JsonNode q : f.getValue().get("quarantined")) {
                                badRecords.add(
                                        f.getKey()
                                                + " line "
                                                + q.get("line").asLong()
                                                + ": "
                                                + q.get("kind").asText());
                            }
                        });
        Collections.sort(goodIds);
        Collections.sort(badRecords);
        assertThat(goodIds).isNotEmpty().doesNotHaveDuplicates();
        assertThat(badRecords).isNotEmpty();

        String bucket = "corpus-" + format;
        s3.createBucket(bucket);
        try (S3Client client = s3.client()) {
            for (Path p : files(CORPUS.resolve(format))) {
                client.putObject(
                        b -> b.bucket(bucket).key("in/" + p),
                        RequestBody.fromFile(CORPUS.resolve(format).resolve(p)));
            }
            TableEnvironment tEnv =
                    TableEnvironment.create(
                            EnvironmentSettings.newInstance()
                                    .inStreamingMode()
                                    .withConfiguration(SharedServices.flink().clientConfiguration())
                                    .build());
            tEnv.executeSql(table(format, bucket));
            TableResult job = tEnv.executeSql("SELECT id FROM src");
            List<Long> read = Collections.synchronizedList(new ArrayList<>());
            long late = 9_000_000L;
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try (CloseableIterator<Row> rows = job.collect()) {
                CompletableFuture<Void> reading =
                        CompletableFuture.runAsync(
                                () -> {
                                    while (rows.hasNext()) {
                                        Long id = (Long) rows.next().getField(0);
                                        read.add(id);
                                        if (id == late) {
                                            return;
                                        }
                                    }
                                },
                                reader);
                await().atMost(Duration.ofMinutes(2))
                        .until(() -> read.size() >= goodIds.size() || reading.isDone());
                await().atMost(Duration.ofMinutes(1))
                        .untilAsserted(
                                () ->
                                        assertThat(quarantined(client, bucket))
                                                .hasSize(badRecords.size()));
                // the job goes on: a file landing now is read
                client.putObject(
                        b -> b.bucket(bucket).key("in/zz-late." + format),
                        RequestBody.fromBytes(BadInputCorpus.oneRow(format, late)));
                reading.get(2, TimeUnit.MINUTES);
                assertThat(job.getJobClient().orElseThrow().getJobStatus().get())
                        .isEqualTo(JobStatus.RUNNING);
            } finally {
                reader.shutdownNow();
            }
            assertThat(read.remove(late)).isTrue();
            List<Long> sorted = new ArrayList<>(read);
            Collections.sort(sorted);
            assertThat(sorted).as("good rows, each once").isEqualTo(goodIds);
            assertThat(quarantined(client, bucket)).isEqualTo(badRecords);
            FIGURES.put(
                    format,
                    String.format(
                            "%s %d files, %d good rows, %d bad records",
                            format, expected.size(), goodIds.size(), badRecords.size()));
        }
    }

    /** The quarantine's entries as "file line N: kind", sorted. */
    private static List<String> quarantined(S3Client client, String bucket) throws Exception {
        List<String> entries = new ArrayList<>();
        for (var o :
                client.listObjectsV2Paginator(
                                b -> b.bucket(bucket).prefix("in/_tributary_quarantine/"))
                        .contents()) {
            JsonNode e =
                    JSON.readTree(
                            client.getObjectAsBytes(b -> b.bucket(bucket).key(o.key()))
                                    .asByteArray());
            String file = e.get("file").asText();
            entries.add(
                    file.substring(file.lastIndexOf('/') + 1)
                            + " line "
                            + e.get("line").asLong()
                            + ": "
                            + e.get("kind").asText());
        }
        Collections.sort(entries);
        return entries;
    }
}
