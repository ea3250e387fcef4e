package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source quarantines bad lines; {@code tributary quarantine} lists them and replays them. */
class QuarantineCommandITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path home;
    @TempDir Path data;

    private long read(String path, String amountType) throws Exception {
        TableEnvironment tEnv =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inBatchMode()
                                .withConfiguration(
                                        io.tributary.embedded.SharedServices.flink()
                                                .clientConfiguration())
                                .build());
        tEnv.executeSql(
                "CREATE TABLE src (id BIGINT, amount "
                        + amountType
                        + ") WITH ('connector' = 'tributary-s3', 'format' = 'json',"
                        + " 'scan.mode' = 'bounded', 'path' = '"
                        + path
                        + "')");
        try (CloseableIterator<Row> it = tEnv.executeSql("SELECT COUNT(*) FROM src").collect()) {
            return (Long) it.next().getField(0);
        }
    }

    @Test
    void listsTheQuarantinedRecordsAndReplaysThemAfterAFix() throws Exception {
        Files.writeString(
                data.resolve("a.json"),
                "{\"id\": 1, \"amount\": 2.5}\n"
                        + "{\"id\": 2, \"amount\": \"n/a\"}\n"
                        + "{\"id\": 3, \"amount\": 1.5}\n"
                        + "{\"id\": 4, \"amount\": \"tbd\", \"contact\": \"ada@example.com\"}\n");
        String path = data.toUri().toString();
        assertThat(CliRun.of("quarantine", "list", path, "--home", home.toString()).out())
                .contains("0 quarantined record(s)");
        assertThat(read(path, "DOUBLE")).isEqualTo(2);

        CliRun list = CliRun.of("quarantine", "list", path, "--json", "--home", home.toString());
        assertThat(list.exitCode()).as(list.err()).isZero();
        JsonNode entries = JSON.readTree(list.out());
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).get("file").asText()).endsWith("/a.json");
        assertThat(entries.get(0).get("reason").asText()).contains("amount");
        // personal data in a quarantined record is listed masked, replayed as it was
        assertThat(list.out()).doesNotContain("ada@example.com").contains("[EMAIL]");
        assertThat(CliRun.of("quarantine", "list", path, "--home", home.toString()).out())
                .contains("2 quarantined record(s)");

        CliRun replay = CliRun.of("quarantine", "replay", path, "--home", home.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("replayed 2 record(s)");
        List<Path> replayed;
        try (Stream<Path> files = Files.list(data.resolve("replay"))) {
            replayed = files.toList();
        }
        assertThat(replayed).hasSize(1);
        assertThat(Files.readAllLines(replayed.get(0)))
                .containsExactlyInAnyOrder(
                        "{\"id\": 2, \"amount\": \"n/a\"}",
                        "{\"id\": 4, \"amount\": \"tbd\", \"contact\": \"ada@example.com\"}");
        assertThat(
                        JSON.readTree(
                                CliRun.of(
                                                "quarantine",
                                                "list",
                                                path,
                                                "--json",
                                                "--home",
                                                home.toString())
                                        .out()))
                .isEmpty();

        // the fix: the column takes text now; the replayed records load
        assertThat(read(data.resolve("replay").toUri().toString(), "STRING")).isEqualTo(2);
    }
}
