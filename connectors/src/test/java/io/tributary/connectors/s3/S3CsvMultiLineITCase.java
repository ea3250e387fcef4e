package io.tributary.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * CSV whose quoted fields hold line breaks (and escaped quotes), read with {@code
 * 'scan.multi-line-records' = 'true'}: every record whole, none quarantined, even with a split size
 * far below the file's (the file is then read whole, never cut inside quotes).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class S3CsvMultiLineITCase {

    @Test
    void quotedLineBreaksStayInsideTheirRecord() throws Exception {
        S3Service s3 = SharedServices.s3();
        s3.createBucket("csv-multiline");
        Map<Integer, String> notes = new HashMap<>();
        StringBuilder csv = new StringBuilder("id,note,amount\r\n");
        for (int i = 1; i <= 200; i++) {
            String note =
                    i % 3 == 0
                            ? "line one of " + i + "\nline two, with \"quotes\"\nthree"
                            : "plain " + i;
            notes.put(i, note);
            csv.append(i)
                    .append(",\"")
                    .append(note.replace("\"", "\"\""))
                    .append("\",")
                    .append(i * 1.5)
                    .append("\r\n");
        }
        try (S3Client client = s3.client()) {
            client.putObject(
                    b -> b.bucket("csv-multiline").key("notes/part-0.csv"),
                    RequestBody.fromString(csv.toString()));
        }
        TableEnvironment env =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inBatchMode()
                                .withConfiguration(SharedServices.flink().clientConfiguration())
                                .build());
        env.executeSql(
                "CREATE TABLE notes (id INT, note STRING, amount DOUBLE) WITH ("
                        + " 'connector' = 'tributary-s3', 'format' = 'csv',"
                        + " 'path' = 's3://csv-multiline/notes/', 'scan.mode' = 'bounded',"
                        + " 'scan.header-lines' = '1', 'scan.multi-line-records' = 'true',"
                        + " 'scan.split-size' = '256 b', 'scan.bad-records' = 'fail',"
                        + " 's3.endpoint' = '"
                        + s3.endpoint()
                        + "', 's3.path-style' = 'true', 's3.access-key' = '"
                        + S3Service.ACCESS_KEY
                        + "', 's3.secret-key' = '"
                        + S3Service.SECRET_KEY
                        + "')");
        Map<Integer, String> read = new HashMap<>();
        try (CloseableIterator<Row> rows = env.executeSql("SELECT id, note FROM notes").collect()) {
            rows.forEachRemaining(
                    r ->
                            assertThat(read.put((Integer) r.getField(0), (String) r.getField(1)))
                                    .isNull());
        }
        assertThat(read).isEqualTo(notes);
    }
}
