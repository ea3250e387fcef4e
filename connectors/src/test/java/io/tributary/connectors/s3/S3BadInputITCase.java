package io.tributary.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A corpus of bad input next to good rows: every bad record is quarantined with its reason, every
 * good row is read, the counts are exact and nothing stops the job; with {@code fail} the job stops
 * and says where.
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

    /** Complete lines a gzip stream yields before it breaks: what any reader can recover. */
    private static int recoverableLines(byte[] gz) {
        int lines = 0;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    lines++;
                }
            }
        } catch (IOException e) {
            // where the stream breaks
        }
        return lines;
    }

    @Test
    void everyBadRecordIsQuarantinedWithItsReasonAndEveryGoodRowIsRead() throws Exception {
        String bucket = "bad-input";
        s3.createBucket(bucket);
        Map<String, byte[]> files = new TreeMap<>();
        files.put("in/01-good.json", good(0, 100, "\n").getBytes(StandardCharsets.UTF_8));
        files.put("in/02-crlf.json", good(100, 50, "\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] bom = good(150, 10, "\n").getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[bom.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(bom, 0, withBom, 3, bom.length);
        files.put("in/03-bom.json", withBom);
        files.put(
                "in/04-mixed.json",
                (good(160, 5, "\n")
                                + "{\"id\": 165, \"amount\": \n" // truncated JSON
                                + "{\"id\": 166, \"amount\": \"lots\"}\n" // wrong type
                                + good(167, 5, "\n"))
                        .getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream utf = new ByteArrayOutputStream();
        utf.writeBytes(good(172, 3, "\n").getBytes(StandardCharsets.UTF_8));
        utf.writeBytes(
                new byte[] {
                    '{',
                    '"',
                    'i',
                    'd',
                    '"',
                    ':',
                    '1',
                    ',',
                    '"',
                    (byte) 0xC3,
                    (byte) 0x28,
                    '"',
                    ':',
                    '1',
                    '}',
                    '\n'
                });
        files.put("in/05-utf8.json", utf.toByteArray());
        files.put("in/06-empty.json", new byte[0]);
        byte[] huge = new byte[10 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'x');
        files.put(
                "in/07-huge-line.json",
                (new String(huge, StandardCharsets.US_ASCII) + "\n" + good(175, 2, "\n"))
                        .getBytes(StandardCharsets.UTF_8));
        byte[] gz = gzip(good(200, 2000, "\n"));
        byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
        int gzLines = recoverableLines(truncated);
        files.put("in/08-corrupt.json.gz", truncated);
        files.put("in/09-ok.json.gz", gzip(good(5000, 20, "\n")));
        byte[] junk = new byte[3 * 200 + 3];
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < junk.length; i++) {
            junk[i] = (byte) (0x80 + r.nextInt(0x80)); // never a newline, never valid UTF-8 runs
        }
        junk[200] = '\n';
        junk[401] = '\n';
        junk[602] = '\n';
        files.put("in/10-binary.json", junk);
        try (S3Client client = s3.client()) {
            files.forEach(
                    (k, v) ->
                            client.putObject(
                                    b -> b.bucket(bucket).key(k), RequestBody.fromBytes(v)));
            TableEnvironment tEnv = tableEnv();
            tEnv.executeSql(table(bucket, "quarantine"));
            List<Long> ids = new ArrayList<>();
            try (CloseableIterator<Row> it = tEnv.executeSql("SELECT id FROM src").collect()) {
                it.forEachRemaining(row -> ids.add((Long) row.getField(0)));
            }
            int expectedGood = 100 + 50 + 10 + 10 + 3 + 2 + gzLines + 20;
            assertThat(ids).hasSize(expectedGood).doesNotHaveDuplicates();
            assertThat(ids).contains(150L, 151L, 0L, 149L, 176L, 5019L);

            List<JsonNode> entries = new ArrayList<>();
            for (var o :
                    client.listObjectsV2Paginator(
                                    b -> b.bucket(bucket).prefix("in/_tributary_quarantine/"))
                            .contents()) {
                entries.add(
                        JSON.readTree(
                                client.getObjectAsBytes(b -> b.bucket(bucket).key(o.key()))
                                        .asByteArray()));
            }
            Map<String, List<String>> reasons = new TreeMap<>();
            for (JsonNode e : entries) {
                String file = e.get("file").asText();
                reasons.computeIfAbsent(
                                file.substring(file.lastIndexOf('/') + 1), k -> new ArrayList<>())
                        .add(e.get("line").asLong() + ": " + e.get("reason").asText());
            }
            System.out.println("quarantine: " + reasons);
            assertThat(entries).hasSize(8);
            assertThat(reasons.get("04-mixed.json"))
                    .hasSize(2)
                    .anySatisfy(x -> assertThat(x).startsWith("6: "))
                    .anySatisfy(x -> assertThat(x).startsWith("7: "));
            assertThat(reasons.get("05-utf8.json")).containsExactly("4: invalid UTF-8");
            assertThat(reasons.get("07-huge-line.json"))
                    .singleElement()
                    .asString()
                    .contains("longer than");
            assertThat(reasons.get("08-corrupt.json.gz"))
                    .singleElement()
                    .asString()
                    .contains("gzip");
            assertThat(reasons.get("10-binary.json")).hasSize(3);
            JsonNode hugeEntry =
                    entries.stream()
                            .filter(e -> e.get("file").asText().endsWith("07-huge-line.json"))
                            .findFirst()
                            .orElseThrow();
            assertThat(hugeEntry.get("truncated").asBoolean()).isTrue();
            assertThat(hugeEntry.get("raw").asText()).hasSize(Quarantine.MAX_RAW);
            System.out.printf(
                    "reliability: bad input corpus (S3 source): %d files, %d good rows read once"
                            + " each, %d bad records quarantined with their reason%n",
                    files.size(), ids.size(), entries.size());
        }
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
