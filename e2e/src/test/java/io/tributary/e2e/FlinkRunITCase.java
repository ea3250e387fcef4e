package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.embedded.SharedServices;
import io.tributary.embedded.StandaloneFlinkCluster;
import io.tributary.jobs.runs.FlinkRest;
import io.tributary.jobs.runs.ReferenceFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar as Flink's own client takes it: {@code flink run -d <job.jar> --pipeline
 * pipeline.yaml --var ...} (Flink's {@code CliFrontend}, in its own JVM with Flink's jars only)
 * submits the reference pipeline to a standalone cluster, and the warehouse ends equal to the join
 * computed in the test.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FlinkRunITCase {

    @TempDir Path work;

    @Test
    void flinkRunSubmitsTheReferencePipelineFromTheJobJar() throws Exception {
        Path jobJar = StandaloneFlinkCluster.jobJar();
        ReferenceFixture world =
                new ReferenceFixture("flinkrun_shop", "flinkrun_warehouse", "flinkrun-sales", 100);
        world.prepare();
        world.writeSales(0);
        world.writeSales(1);
        try (StandaloneFlinkCluster cluster =
                StandaloneFlinkCluster.start(work.resolve("cluster"))) {
            List<String> cmd = StandaloneFlinkCluster.java();
            cmd.addAll(
                    List.of(
                            "-cp",
                            StandaloneFlinkCluster.flinkClasspath(),
                            "org.apache.flink.client.cli.CliFrontend",
                            "run",
                            "-d",
                            "-m",
                            cluster.restAddress(),
                            jobJar.toString(),
                            "--pipeline",
                            ReferenceFixture.examples()
                                    .resolve("ecommerce/pipeline.yaml")
                                    .toString(),
                            "--home",
                            work.resolve("home").toString()));
            Map<String, String> vars =
                    new java.util.LinkedHashMap<>(
                            Map.of(
                                    "sales-path", "s3://flinkrun-sales/sales/",
                                    "shop-db", "flinkrun_shop",
                                    "warehouse-db", "flinkrun_warehouse",
                                    "checkpoint-interval", "1 s"));
            SharedServices.s3().endpoints().forEach((k, v) -> vars.put("s3." + k, v));
            SharedServices.mariadb().endpoints().forEach((k, v) -> vars.put("mariadb." + k, v));
            SharedServices.postgres().endpoints().forEach((k, v) -> vars.put("postgres." + k, v));
            List<String> args = new ArrayList<>();
            vars.forEach(
                    (k, v) -> {
                        args.add("--var");
                        args.add(k + "=" + v);
                    });
            cmd.addAll(args);
            Path log = work.resolve("flink-run.log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.redirectOutput(log.toFile());
            pb.environment().put("FLINK_CONF_DIR", cluster.confDir().toString());
            Process client = pb.start();
            assertThat(client.waitFor(3, TimeUnit.MINUTES)).as("flink run returned").isTrue();
            assertThat(client.exitValue()).as(Files.readString(log)).isZero();
            assertThat(Files.readString(log)).contains("Job has been submitted with JobID");

            world.awaitWarehouseEqualsReference(cluster::logs);
            world.rename(5, "Renamed By Flink Run", "IS");
            world.awaitWarehouseEqualsReference(cluster::logs);

            FlinkRest rest = new FlinkRest(cluster.restAddress());
            JsonNode jobs = rest.get("/jobs/overview").path("jobs");
            assertThat(jobs).hasSize(1);
            assertThat(jobs.get(0).path("name").asText())
                    .isEqualTo("tributary: ecommerce-sales-enriched");
            assertThat(jobs.get(0).path("state").asText()).isEqualTo("RUNNING");
        }
    }
}
