package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.embedded.SharedServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tributary bookmark show} reads what a running S3 source checkpointed. */
class BookmarkCommandITCase {

    @TempDir Path data;
    @TempDir Path checkpoints;

    @Test
    void showsHowFarTheSourceListedFromTheJobsLatestCheckpoint() throws Exception {
        for (int f = 0; f < 3; f++) {
            Files.writeString(data.resolve("part-" + f + ".json"), "{\"id\": " + f + "}\n");
        }
        Configuration conf = SharedServices.flink().clientConfiguration();
        conf.setString("execution.checkpointing.interval", "200 ms");
        conf.setString(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        conf.setString("state.checkpoints.dir", checkpoints.toUri().toString());
        TableEnvironment tEnv =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inStreamingMode()
                                .withConfiguration(conf)
                                .build());
        tEnv.executeSql(
                "CREATE TABLE src (id BIGINT) WITH ('connector' = 'tributary-s3', 'format' ="
                        + " 'json', 'path' = '"
                        + data.toUri()
                        + "', 'scan.interval' = '100 ms')");
        tEnv.executeSql("CREATE TABLE dst (id BIGINT) WITH ('connector' = 'blackhole')");
        JobClient job =
                tEnv.executeSql("INSERT INTO dst SELECT * FROM src").getJobClient().orElseThrow();
        Path jobDir = checkpoints.resolve(job.getJobID().toHexString());
        try {
            // a checkpoint taken after all three files were listed and read
            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                CliRun r =
                                        CliRun.of("bookmark", "show", jobDir.toString(), "--json");
                                JsonNode s = new ObjectMapper().readTree(r.out()).at("/sources/0");
                                return "part-2.json".equals(s.path("listedUpTo").asText())
                                        && s.path("pending").isEmpty()
                                        && s.path("inProgress").isEmpty();
                            });
        } finally {
            job.cancel().get();
        }
        CliRun text = CliRun.of("bookmark", "show", jobDir.toString());
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("listed up to key part-2.json").contains("not started: 0");

        // the shared test cluster retains one checkpoint (state.checkpoints.num-retained is a
        // cluster setting); two later ones are made by copying it, to rewind over them
        java.util.List<io.tributary.connectors.s3.SourceBookmarks.Retained> kept =
                io.tributary.connectors.s3.SourceBookmarks.retained(jobDir);
        assertThat(kept).hasSize(1);
        long target = kept.get(0).id();
        for (long later = target + 1; later <= target + 2; later++) {
            org.apache.flink.util.FileUtils.copy(
                    new org.apache.flink.core.fs.Path(kept.get(0).dir().toUri()),
                    new org.apache.flink.core.fs.Path(jobDir.resolve("chk-" + later).toUri()),
                    false);
        }
        java.util.List<io.tributary.connectors.s3.SourceBookmarks.Retained> retained =
                io.tributary.connectors.s3.SourceBookmarks.retained(jobDir);
        assertThat(retained).hasSize(3);
        CliRun dry =
                CliRun.of("bookmark", "rewind", jobDir.toString(), "--to", Long.toString(target));
        assertThat(dry.out())
                .contains("would remove checkpoint " + (target + 1))
                .contains("would remove checkpoint " + (target + 2));
        assertThat(io.tributary.connectors.s3.SourceBookmarks.retained(jobDir))
                .hasSize(retained.size());
        CliRun rewind =
                CliRun.of(
                        "bookmark",
                        "rewind",
                        jobDir.toString(),
                        "--to",
                        Long.toString(target),
                        "--yes");
        assertThat(rewind.exitCode()).as(rewind.err()).isZero();
        assertThat(io.tributary.connectors.s3.SourceBookmarks.retained(jobDir))
                .extracting(io.tributary.connectors.s3.SourceBookmarks.Retained::id)
                .endsWith(target);
        assertThat(CliRun.of("bookmark", "show", jobDir.toString()).out())
                .contains("checkpoint " + target + ",");

        CliRun reset = CliRun.of("bookmark", "reset", jobDir.toString(), "--yes");
        assertThat(reset.exitCode()).as(reset.err()).isZero();
        assertThat(io.tributary.connectors.s3.SourceBookmarks.retained(jobDir)).isEmpty();

        CliRun none = CliRun.of("bookmark", "show", data.toString());
        assertThat(none.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(none.err()).contains("no completed checkpoint");
    }
}
