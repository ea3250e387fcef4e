package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.JobRun;
import io.tributary.embedded.StandaloneFlinkCluster;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.runs.FlinkRest;
import io.tributary.jobs.runs.PipelineRunner;
import io.tributary.jobs.runs.ReferenceFixture;
import io.tributary.jobs.runs.StopWithSavepoint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference pipeline (examples/ecommerce) submitted through the packaged job jar to a
 * standalone Flink session cluster whose JobManager and TaskManager are separate JVMs; the whole
 * cluster is then killed (SIGKILL) mid-stream, customers and sales change while it is down, and a
 * new cluster resumes the pipeline from its last retained checkpoint: the warehouse ends equal to
 * the join computed here, every order once.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StandaloneClusterITCase {

    @TempDir Path work;

    @Test
    void referencePipelineRunsOnAStandaloneClusterAndResumesAfterTheClusterIsKilled()
            throws Exception {
        Path jobJar = StandaloneFlinkCluster.jobJar();
        ReferenceFixture world =
                new ReferenceFixture("e2e_shop", "e2e_warehouse", "e2e-sales", 150);
        world.prepare();
        for (int f = 0; f < 3; f++) {
            world.writeSales(f);
        }
        PipelineDef pipeline = world.pipeline(Map.of());
        Path home = work.resolve("home");
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            PipelineRunner runner =
                    new PipelineRunner(pipeline, home, store, new PrintWriter(System.out, true));
            JobRun killed;
            try (StandaloneFlinkCluster cluster =
                    StandaloneFlinkCluster.start(work.resolve("cluster-1"))) {
                PipelineRunner.Submitted first =
                        runner.submit(cluster.restAddress(), null, List.of(jobJar.toUri()));
                world.awaitWarehouseEqualsReference(cluster::logs);
                world.rename(7, "Alan Renamed", "NZ");
                world.awaitWarehouseEqualsReference(cluster::logs);
                // a checkpoint taken after everything above: the bookmark the next cluster uses
                long atLeast = completedCheckpoints(cluster, first) + 2;
                await().atMost(Duration.ofMinutes(1))
                        .until(() -> completedCheckpoints(cluster, first) >= atLeast);
                cluster.kill();
                killed = first.run();
            }

            // while no cluster runs: a rename and a new file
            world.rename(12, "Grace Moved", "PT");
            world.writeSales(3);

            String resumeFrom = runner.resumePoint().orElseThrow();
            assertThat(resumeFrom).contains("/checkpoints/" + killed.flinkJobId() + "/chk-");
            try (StandaloneFlinkCluster cluster =
                    StandaloneFlinkCluster.start(work.resolve("cluster-2"))) {
                PipelineRunner.Submitted second =
                        runner.submit(cluster.restAddress(), resumeFrom, List.of(jobJar.toUri()));
                world.awaitWarehouseEqualsReference(cluster::logs);
                String savepoint =
                        StopWithSavepoint.stop(second.rest(), second.run(), store, runner.home());
                assertThat(savepoint).contains("savepoint");
            }
            List<JobRun> history = store.runs();
            assertThat(history).hasSize(2);
            assertThat(history.get(0).state()).isEqualTo(JobRun.State.STOPPED);
            assertThat(history.get(0).resumedFrom()).isEqualTo(resumeFrom);
        }
    }

    private long completedCheckpoints(StandaloneFlinkCluster cluster, PipelineRunner.Submitted s)
            throws Exception {
        return new FlinkRest(cluster.restAddress())
                .get("/jobs/" + s.run().flinkJobId() + "/checkpoints")
                .path("counts")
                .path("completed")
                .asLong();
    }
}
