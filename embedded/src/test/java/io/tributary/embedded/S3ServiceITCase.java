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
