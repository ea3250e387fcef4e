package io.tributary.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.S3Object;

class S3ServiceITCase {

    @Test
    void putGetAndListThroughTheAwsSdk() {
        S3Service s3 = SharedServices.s3();
        s3.createBucket("sdk-roundtrip");
        try (S3Client client = s3.client()) {
            client.putObject(
                    b -> b.bucket("sdk-roundtrip").key("raw/dt=2026-11-24/a.json"),
                    RequestBody.fromString("{\"id\":1}\n"));
            client.putObject(
                    b -> b.bucket("sdk-roundtrip").key("raw/dt=2026-11-24/b.json"),
                    RequestBody.fromString("{\"id\":2}\n"));
            client.putObject(
                    b -> b.bucket("sdk-roundtrip").key("other/c.json"),
                    RequestBody.fromString("{}"));

            String body =
                    client.getObjectAsBytes(
                                    b -> b.bucket("sdk-roundtrip").key("raw/dt=2026-11-24/b.json"))
                            .asString(StandardCharsets.UTF_8);
            assertThat(body).isEqualTo("{\"id\":2}\n");

            List<String> keys =
                    client
                            .listObjectsV2(b -> b.bucket("sdk-roundtrip").prefix("raw/"))
                            .contents()
                            .stream()
                            .map(S3Object::key)
                            .toList();
            assertThat(keys)
                    .containsExactly("raw/dt=2026-11-24/a.json", "raw/dt=2026-11-24/b.json");
        }
    }

    /**
     * The AWS SDK's own paginator over 2,600 keys under one prefix, as the AWS CLI lists (it asks
     * for URL-encoded keys): every key once, in order. S3Proxy returned the continuation token
     * URL-encoded, so a client sending it back restarted from the first page ("The same next token
     * was received twice" in the CLI).
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theSdksPaginatorListsEveryKeyOnceBeyondAThousand() {
        S3Service s3 = SharedServices.s3();
        s3.createBucket("many-keys");
        List<String> written = new ArrayList<>();
        try (S3Client client = s3.client()) {
            for (int i = 0; i < 2600; i++) {
                String key = String.format("raw/dt=2026-12-0%d/part %05d.json", i % 3 + 1, i);
                client.putObject(
                        b -> b.bucket("many-keys").key(key), RequestBody.fromString("{}\n"));
                written.add(key);
            }
            java.util.Collections.sort(written);
            for (EncodingType encoding : new EncodingType[] {EncodingType.URL, null}) {
                List<String> listed = new ArrayList<>();
                client.listObjectsV2Paginator(
                                b -> b.bucket("many-keys").prefix("raw/").encodingType(encoding))
                        .contents()
                        .forEach(o -> listed.add(decoded(o.key(), encoding)));
                assertThat(listed).as("encoding %s", encoding).isEqualTo(written);
                // ListObjects (v1) pages by NextMarker the same way
                List<String> v1 = new ArrayList<>();
                String marker = null;
                for (int page = 0; page < 10; page++) {
                    String from = marker;
                    var r =
                            client.listObjects(
                                    b ->
                                            b.bucket("many-keys")
                                                    .prefix("raw/")
                                                    .marker(from)
                                                    .encodingType(encoding));
                    r.contents().forEach(o -> v1.add(decoded(o.key(), encoding)));
                    if (!r.isTruncated()) {
                        break;
                    }
                    marker =
                            decoded(
                                    r.nextMarker() != null
                                            ? r.nextMarker()
                                            : r.contents().get(r.contents().size() - 1).key(),
                                    encoding);
                }
                assertThat(v1).as("v1, encoding %s", encoding).isEqualTo(written);
            }
        }
    }

    private static String decoded(String key, EncodingType encoding) {
        return encoding == null ? key : java.net.URLDecoder.decode(key, StandardCharsets.UTF_8);
    }

    /**
     * A multipart object is listed with the ETag its completion returned ({@code <md5>-<parts>}).
     */
    @Test
    void aMultipartObjectIsListedWithTheEtagItsCompletionReturned() {
        S3Service s3 = SharedServices.s3();
        s3.createBucket("multipart");
        try (S3Client client = s3.client()) {
            String upload =
                    client.createMultipartUpload(b -> b.bucket("multipart").key("big.bin"))
                            .uploadId();
            List<CompletedPart> parts = new ArrayList<>();
            for (int n = 1; n <= 2; n++) {
                byte[] part = new byte[n == 1 ? 5 * 1024 * 1024 : 1024];
                java.util.Arrays.fill(part, (byte) ('a' + n));
                int number = n;
                String etag =
                        client.uploadPart(
                                        b ->
                                                b.bucket("multipart")
                                                        .key("big.bin")
                                                        .uploadId(upload)
                                                        .partNumber(number),
                                        RequestBody.fromBytes(part))
                                .eTag();
                parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
            }
            String completed =
                    client.completeMultipartUpload(
                                    b ->
                                            b.bucket("multipart")
                                                    .key("big.bin")
                                                    .uploadId(upload)
                                                    .multipartUpload(m -> m.parts(parts)))
                            .eTag();
            assertThat(completed).matches("\"?[0-9a-f]{32}-2\"?");
            S3Object listed = client.listObjectsV2(b -> b.bucket("multipart")).contents().get(0);
            assertThat(listed.eTag()).isEqualTo(completed);
            assertThat(client.headObject(b -> b.bucket("multipart").key("big.bin")).eTag())
                    .isEqualTo(completed);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void flinkJobReadsJsonFromS3Paths() throws Exception {
        S3Service s3 = SharedServices.s3();
        FlinkService flink = SharedServices.flink();
        s3.createBucket("flink-json");
        try (S3Client client = s3.client()) {
            for (int f = 0; f < 3; f++) {
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < 100; i++) {
                    int id = f * 100 + i;
                    lines.append("{\"id\":").append(id).append(",\"amount\":1.5}\n");
                }
                int file = f;
                client.putObject(
                        b -> b.bucket("flink-json").key("sales/part-" + file + ".json"),
                        RequestBody.fromString(lines.toString()));
            }
        }

        var conf = flink.clientConfiguration();
        TableEnvironment env =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inBatchMode()
                                .withConfiguration(conf)
                                .build());
        env.executeSql(
                "CREATE TABLE sales (id INT, amount DOUBLE) WITH ('connector' = 'filesystem',"
                        + " 'path' = 's3://flink-json/sales/', 'format' = 'json')");
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it =
                env.executeSql("SELECT count(*), sum(amount), count(DISTINCT id) FROM sales")
                        .collect()) {
            it.forEachRemaining(rows::add);
        }
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getField(0)).isEqualTo(300L);
        assertThat(rows.get(0).getField(1)).isEqualTo(450.0);
        assertThat(rows.get(0).getField(2)).isEqualTo(300L);
    }
}
