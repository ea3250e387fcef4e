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
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference pipeline's join with {@code join-state: dimension}, warehouse and lake: the job
 * keeps the customers only, and a customer's change reaches the orders already in the warehouse
 * through the sink's commit, and those already in the lake through rows the lake sink reads back
 * and writes again. Renames, an order that arrives before its customer, a stop with a savepoint, a
 * rename while down and the resumed run: the warehouse and the lake each end equal to the join
 * computed here, row for row, each order once.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DimensionJoinPipelineITCase {

    @TempDir Path home;

    @Test
    void customersChangesReachLoadedOrdersWithOnlyTheCustomersKept() throws Exception {
        ReferenceFixture world =
                new ReferenceFixture("dim_shop", "dim_warehouse", "dim-sales", 150);
        world.prepare();
        for (int f = 0; f < 3; f++) {
            world.writeSales(f);
        }
        PipelineDef pipeline =
                world.pipeline(Map.of("rescan-interval", "3 s"), dimensionPipeline());
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            PipelineRunner runner =
                    new PipelineRunner(pipeline, home, store, new PrintWriter(System.out, true));
            String rest = "127.0.0.1:" + SharedServices.flink().restPort();
            PipelineRunner.Submitted first = runner.submit(rest, null, List.of());
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<JobRun> watched = ReferenceFixture.watch(runner, first, stop);
            world.awaitWarehouseEqualsReference(() -> ReferenceFixture.jobDiagnostics(first));

            // a rename and a move: every order of theirs already loaded follows
            world.rename(7, "Alan Renamed", "NZ");
            world.rename(12, "Grace Renamed", "PT");
            world.awaitWarehouseEqualsReference(() -> ReferenceFixture.jobDiagnostics(first));
            world.awaitLakeEqualsReference(home, () -> ReferenceFixture.jobDiagnostics(first));
            assertThat(dimensionRow(world, 7)).isEqualTo("Alan Renamed|NZ");

            // an order for a customer the shop does not have yet waits in the join, beside one
            // that lands at once; the customer's arrival releases it
            DemoData.Sale early =
                    new DemoData.Sale(
                            910_001L,
                            61,
                            "teapot",
                            1,
                            new BigDecimal("24.50"),
                            DemoData.DAY.plusDays(2).atTime(8, 15));
            DemoData.Sale known =
                    new DemoData.Sale(
                            910_002L,
                            3,
                            "mug",
                            4,
                            new BigDecimal("6.25"),
                            DemoData.DAY.plusDays(2).atTime(8, 16));
            world.put("sales/dt=2026-11-26/early.json", List.of(early, known));
            // waited on the warehouse's progress: the known order lands, the early one does not
            world.exclude(List.of(early.orderId()));
            world.awaitWarehouseEqualsReference(() -> ReferenceFixture.jobDiagnostics(first));
            assertThat(orderCount(world, 910_002L)).isEqualTo(1);
            assertThat(orderCount(world, 910_001L)).isZero();
            world.include(List.of(early.orderId()));
            world.upsert(new DemoData.Customer(61, "Late Customer", "late@example.com", "IS"));
            world.awaitWarehouseEqualsReference(() -> ReferenceFixture.jobDiagnostics(first));
            // a rename in the same commit as new orders of the same customer
            world.rename(3, "Ada Renamed", "FR");
            world.writeSales(3);
            world.awaitWarehouseEqualsReference(() -> ReferenceFixture.jobDiagnostics(first));
            world.awaitLakeEqualsReference(home, () -> ReferenceFixture.jobDiagnostics(first));

            stop.set(true);
            JobRun stopped = watched.get(2, TimeUnit.MINUTES);
            assertThat(stopped.state()).isEqualTo(JobRun.State.STOPPED);

            // while it is down: a rename of a customer with loaded orders, and a file
            world.rename(7, "Alan Twice", "AU");
            world.writeSales(4);

            String resumeFrom = runner.resumePoint().orElseThrow();
            PipelineRunner.Submitted second = runner.submit(rest, resumeFrom, List.of());
            AtomicBoolean stop2 = new AtomicBoolean();
            CompletableFuture<JobRun> watched2 = ReferenceFixture.watch(runner, second, stop2);
            world.awaitWarehouseEqualsReference(() -> ReferenceFixture.jobDiagnostics(second));
            world.awaitLakeEqualsReference(home, () -> ReferenceFixture.jobDiagnostics(second));
            assertThat(dimensionRow(world, 7)).isEqualTo("Alan Twice|AU");
            stop2.set(true);
            assertThat(watched2.get(2, TimeUnit.MINUTES).state()).isEqualTo(JobRun.State.STOPPED);
        }
    }

    /** examples/ecommerce/pipeline.yaml as shipped: join-state: dimension, warehouse and lake. */
    private Path dimensionPipeline() throws Exception {
        Path file = ReferenceFixture.examples().resolve("ecommerce/pipeline.yaml");
        assertThat(Files.readString(file))
                .contains("    join-state: dimension\n")
                .contains("type: lake");
        return file;
    }

    /** The warehouse's dimension table's row for a customer: name|country. */
    private static String dimensionRow(ReferenceFixture world, int id) throws Exception {
        try (Connection c = SharedServices.postgres().connect(world.warehouseDatabase());
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT customer_name, country FROM"
                                        + " analytics.sales_enriched__dimension WHERE customer_id = "
                                        + id)) {
            return rs.next() ? rs.getString(1) + "|" + rs.getString(2) : null;
        }
    }

    private static long orderCount(ReferenceFixture world, long orderId) throws Exception {
        return ReferenceFixture.orderRows(world.warehouseDatabase(), orderId);
    }
}
