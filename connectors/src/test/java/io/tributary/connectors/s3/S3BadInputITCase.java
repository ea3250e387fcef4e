package io.tributary.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The reader's record layouts and bad-record policies: a file read in many ranges gives every line
 * once, JSON-array files are read element by element (bad elements quarantined), and with {@code
 * fail} the job stops and says where. The bad-input corpus itself is {@link BadInputCorpusITCase}.
 */
class S3BadInputITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final S3Service s3 = SharedServices.s3();

    private static String good(int from, int count, String eol) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            b.append("{\"id\":")
                    .append(i)
                    .append(",\"amount\":")
                    .append(i)
                    .append(".5}")
                    .append(eol);
        }
        return b.toString();
    }

    private TableEnvironment tableEnv() {
        return TableEnvironment.create(
                EnvironmentSettings.newInstance()
                        .inStreamingMode()
                        .withConfiguration(SharedServices.flink().clientConfiguration())
                        .build());
    }

    private String table(String bucket, String policy) {
        return "CREATE TABLE src (id BIGINT, amount DECIMAL(10,2)) WITH ("
                + " 'connector' = 'tributary-s3', 'format' = 'json', 'scan.mode' = 'bounded',"
                + " 'path' = 's3://"
                + bucket
                + "/in/',"
                + " 's3.endpoint' = '"
                + s3.endpoint()
                + "', 's3.path-style' = 'true',"
                + " 's3.access-key' = '"
                + S3Service.ACCESS_KEY
                + "',"
                + " 's3.secret-key' = '"
                + S3Service.SECRET_KEY
                + "',"
                + " 'scan.max-line-bytes' = '4mb', 'scan.bad-records' = '"
                + policy
                + "')";
    }

    private static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(b)) {
            out.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    @Test
    void aFileReadInManyRangesGivesEveryLineOnce() throws Exception {
        String bucket = "ranges";
        s3.createBucket(bucket);
        try (S3Client client = s3.client()) {
            // ~300 KB of lines of varying length, read in 4 KB ranges by two readers
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 5000; i++) {
                b.append("{\"id\":")
                        .append(i)
                        .append(",\"amount\":")
                        .append(i % 97)
                        .append(".5,\"pad\":\"")
                        .append("x".repeat(i % 37))
                        .append("\"}\n");
            }
            client.putObject(
                    x -> x.bucket(bucket).key("in/big.json"), RequestBody.fromString(b.toString()));
            TableEnvironment tEnv = tableEnv();
            tEnv.executeSql(
                    table(bucket, "fail")
                            .replace(
                                    "'scan.mode' = 'bounded',",
                                    "'scan.mode' = 'bounded', 'scan.split-size' = '4kb',"));
            List<Long> ids = new ArrayList<>();
            try (CloseableIterator<Row> it = tEnv.executeSql("SELECT id FROM src").collect()) {
                it.forEachRemaining(row -> ids.add((Long) row.getField(0)));
            }
            assertThat(ids).hasSize(5000).doesNotHaveDuplicates();
        }
    }

    @Test
    void jsonArrayFilesAreReadElementByElement() throws Exception {
        String bucket = "json-arrays";
        s3.createBucket(bucket);
        try (S3Client client = s3.client()) {
            StringBuilder a = new StringBuilder("[");
            for (int i = 0; i < 300; i++) {
                a.append(i == 0 ? "" : ",\n  ")
                        .append("{\"id\": ")
                        .append(i)
                        .append(", \"amount\": 1.5}");
            }
            a.append("]");
            client.putObject(
                    x -> x.bucket(bucket).key("in/a.json"), RequestBody.fromString(a.toString()));
            byte[] gz =
                    gzip("[{\"id\": 1000, \"amount\": 2}, {\"id\": 1001, \"amount\": \"bad\"}]");
            client.putObject(x -> x.bucket(bucket).key("in/b.json.gz"), RequestBody.fromBytes(gz));
            client.putObject(
                    x -> x.bucket(bucket).key("in/c.json"),
                    RequestBody.fromString("[{\"id\": 2000, \"amount\": 1}, {\"id\": 2001, \"amo"));
            TableEnvironment tEnv = tableEnv();
            tEnv.executeSql(
                    table(bucket, "quarantine")
                            .replace(
                                    "'scan.mode' = 'bounded',",
                                    "'scan.mode' = 'bounded', 'scan.record-layout' = 'json-array',"));
            List<Long> ids = new ArrayList<>();
            try (CloseableIterator<Row> it = tEnv.executeSql("SELECT id FROM src").collect()) {
                it.forEachRemaining(row -> ids.add((Long) row.getField(0)));
            }
            assertThat(ids).hasSize(302).doesNotHaveDuplicates().contains(0L, 299L, 1000L, 2000L);
            List<String> reasons = new ArrayList<>();
            for (var o :
                    client.listObjectsV2Paginator(
                                    b -> b.bucket(bucket).prefix("in/_tributary_quarantine/"))
                            .contents()) {
                reasons.add(
                        JSON.readTree(
                                        client.getObjectAsBytes(b -> b.bucket(bucket).key(o.key()))
                                                .asByteArray())
                                .get("reason")
                                .asText());
            }
            assertThat(reasons)
                    .hasSize(2)
                    .anySatisfy(r -> assertThat(r).contains("amount"))
                    .anySatisfy(r -> assertThat(r).contains("malformed JSON array"));
        }
    }

    @Test
    void theFailPolicyStopsTheJobNamingFileAndLine() throws Exception {
        String bucket = "bad-input-fail";
        s3.createBucket(bucket);
        try (S3Client client = s3.client()) {
            client.putObject(
                    b -> b.bucket(bucket).key("in/a.json"),
                    RequestBody.fromString(good(0, 3, "\n") + "{\"id\": oops}\n"));
            TableEnvironment tEnv = tableEnv();
            tEnv.executeSql(table(bucket, "fail"));
            assertThatThrownBy(
                            () -> {
                                try (CloseableIterator<Row> it =
                                        tEnv.executeSql("SELECT id FROM src").collect()) {
                                    it.forEachRemaining(x -> {});
                                }
                            })
                    .hasStackTraceContaining("a.json at line 4")
                    .hasStackTraceContaining("scan.bad-records = fail");
        }
    }
}
