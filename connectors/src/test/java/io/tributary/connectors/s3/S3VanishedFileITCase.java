package io.tributary.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * A file listed, then deleted before it was read (a lifecycle rule, a producer cleaning up, or
 * while the job was down with the file in its checkpoint): the reader records it in the quarantine
 * with its reason and moves on, instead of failing on every restart; with {@code fail} it stops and
 * says which file.
 */
class S3VanishedFileITCase {

    private final S3Service s3 = SharedServices.s3();

    private Configuration options(String bucket, String policy) {
        Configuration o = new Configuration();
        o.setString("path", "s3://" + bucket + "/in/");
        o.setString("format", "json");
        o.setString("s3.endpoint", s3.endpoint());
        o.setString("s3.path-style", "true");
        o.setString("s3.access-key", S3Service.ACCESS_KEY);
        o.setString("s3.secret-key", S3Service.SECRET_KEY);
        o.setString("scan.bad-records", policy);
        return o;
    }

    private S3SplitReader<Object> reader(S3SourceConfig config, S3ReaderMetrics metrics) {
        return new S3SplitReader<>(
                config,
                null,
                null,
                null,
                new Quarantine(config.quarantine(), config.s3()),
                metrics);
    }

    @Test
    void aFileDeletedAfterItWasListedIsQuarantinedAndTheReaderMovesOn() throws Exception {
        String bucket = "vanished";
        s3.createBucket(bucket);
        S3SourceConfig config = S3SourceConfigs.from(options(bucket, "quarantine"));
        S3ReaderMetrics metrics =
                new S3ReaderMetrics(UnregisteredMetricsGroup.createSourceReaderMetricGroup());
        S3FileSplit gone = new S3FileSplit("gone.json", 120, 0, 0, 120, 0, 0);
        S3SplitReader<Object> reader = reader(config, metrics);
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(gone)));

        RecordsWithSplitIds<S3SplitReader.Line<Object>> records = reader.fetch();

        assertThat(records.finishedSplits()).containsExactly(gone.splitId());
        assertThat(metrics.quarantinedCount()).isEqualTo(1);
        try (S3Client client = s3.client()) {
            ListObjectsV2Response entries =
                    client.listObjectsV2(b -> b.bucket(bucket).prefix("in/_tributary_quarantine/"));
            assertThat(entries.contents()).hasSize(1);
            String entry =
                    client.getObjectAsBytes(
                                    b -> b.bucket(bucket).key(entries.contents().get(0).key()))
                            .asString(StandardCharsets.UTF_8);
            assertThat(entry)
                    .contains("s3://vanished/in/gone.json")
                    .contains("the file is no longer there (deleted after it was listed)");
        }
        reader.close();
    }

    @Test
    void withFailTheReaderStopsAndNamesTheFile() throws Exception {
        String bucket = "vanished-fail";
        s3.createBucket(bucket);
        try (S3Client client = s3.client()) {
            client.putObject(
                    b -> b.bucket(bucket).key("in/other.json"), RequestBody.fromString("{}\n"));
        }
        S3SourceConfig config = S3SourceConfigs.from(options(bucket, "fail"));
        S3SplitReader<Object> reader =
                reader(
                        config,
                        new S3ReaderMetrics(
                                UnregisteredMetricsGroup.createSourceReaderMetricGroup()));
        reader.handleSplitsChanges(
                new SplitsAddition<>(List.of(new S3FileSplit("gone.json", 120, 0, 0, 120, 0, 0))));
        assertThatThrownBy(reader::fetch)
                .hasMessageContaining("s3://vanished-fail/in/gone.json")
                .hasMessageContaining("no longer there")
                .hasMessageContaining("scan.bad-records = fail");
        reader.close();
    }
}
