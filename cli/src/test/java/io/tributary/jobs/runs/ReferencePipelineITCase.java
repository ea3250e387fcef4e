package io.tributary.jobs.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.JobRun;
import io.tributary.embedded.SharedServices;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.demo.DemoData;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference pipeline of examples/ecommerce, as shipped, on the embedded services: sales files
 * on S3 joined with MariaDB customers read by CDC into the warehouse. Customers change and sales
 * arrive while it runs, it is stopped with a savepoint, more changes land while it is down, and the
 * resumed run catches up: the warehouse table ends equal to a join computed here, row for row.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReferencePipelineITCase {

    @TempDir Path home;

    @Test
    void warehouseEqualsTheJoinOfSalesAndLatestCustomersAcrossAStopAndResume() throws Exception {
        ReferenceFixture world =
                new ReferenceFixture("ref_shop", "ref_warehouse", "ref-sales", 200);
        world.prepare();
        for (int f = 0; f < 3; f++) {
            world.writeSales(f);
        }
        // the file written while down sorts before the late one seen: found by a full listing
        PipelineDef pipeline = world.pipeline(Map.of("rescan-interval", "3 s"));
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            PipelineRunner runner =
                    new PipelineRunner(pipeline, home, store, new PrintWriter(System.out, true));
            String rest = "127.0.0.1:" + SharedServices.flink().restPort();

            // run 1: snapshot + files, then a customer renamed and moved, a new customer, more
            // sales
            PipelineRunner.Submitted first = runner.submit(rest, null, List.of());
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<JobRun> watched = ReferenceFixture.watch(runner, first, stop);
            world.awaitWarehouseEqualsReference(() -> ReferenceFixture.jobDiagnostics(first));
            world.rename(7, "Alan Renamed", "NZ");
            world.upsert(new DemoData.Customer(51, "New Customer", "new@example.com", "CL"));
            world.writeSales(3);
            world.put(
                    "sales/dt=2026-11-25/late.json",
                    List.of(
                            new DemoData.Sale(
                                    900_001L,
                                    51,
                                    "kettle",
                                    2,
                                    new BigDecimal("19.90"),
                                    DemoData.DAY.plusDays(1).atTime(9, 30))));
            world.awaitWarehouseEqualsReference(() -> ReferenceFixture.jobDiagnostics(first));
            stop.set(true);
            JobRun stopped = watched.get(2, TimeUnit.MINUTES);
            assertThat(stopped.state()).isEqualTo(JobRun.State.STOPPED);
            assertThat(stopped.savepoint()).isNotBlank();

            // while it is down: another rename and a file
            world.rename(12, "Grace Moved", "PT");
            world.writeSales(4);

            // run 2 resumes from the savepoint: only what changed since is read
            String resumeFrom = runner.resumePoint().orElseThrow();
            assertThat(resumeFrom).isEqualTo(stopped.savepoint());
            PipelineRunner.Submitted second = runner.submit(rest, resumeFrom, List.of());
            AtomicBoolean stop2 = new AtomicBoolean();
            CompletableFuture<JobRun> watched2 = ReferenceFixture.watch(runner, second, stop2);
            world.awaitWarehouseEqualsReference(() -> ReferenceFixture.jobDiagnostics(second));
            // the second sink: the lake table, across the same stop and resume
            world.awaitLakeEqualsReference(home, () -> ReferenceFixture.jobDiagnostics(second));
            stop2.set(true);
            assertThat(watched2.get(2, TimeUnit.MINUTES).state()).isEqualTo(JobRun.State.STOPPED);

            List<JobRun> history = store.runs();
            assertThat(history).hasSize(2);
            assertThat(history.get(0).resumedFrom()).isEqualTo(resumeFrom);
            assertThat(history).allSatisfy(r -> assertThat(r.savepoint()).isNotBlank());
        }
    }
}
