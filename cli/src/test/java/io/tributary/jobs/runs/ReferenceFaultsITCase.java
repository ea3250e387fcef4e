package io.tributary.jobs.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.JobRun;
import io.tributary.embedded.SharedServices;
import io.tributary.jobs.definition.PipelineDef;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference pipeline under faults, while sales files arrive and customers change: the
 * TaskManager killed at ten random moments (every task fails at once; a seed printed, rerun with
 * {@code -Dtributary.fault.seed}), then MariaDB restarted, the S3 server gone for a while and the
 * warehouse PostgreSQL restarted. After each the warehouse equals the join computed here, row by
 * row and by content: nothing lost, nothing doubled; so does the lake table, the pipeline's second
 * sink.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReferenceFaultsITCase {

    private static final int FAILURES = 10;

    @TempDir Path home;

    @Test
    void taskManagerLostAtTenRandomMomentsLosesAndDoublesNothing() throws Exception {
        long seed = Long.getLong("tributary.fault.seed", System.nanoTime() % 100_000);
        System.out.println(
                "fault seed " + seed + " (rerun with -Dtributary.fault.seed=" + seed + ")");
        Random random = new Random(seed);
        ReferenceFixture world = new ReferenceFixture("tm_shop", "tm_warehouse", "tm-sales", 300);
        world.prepare();
        world.writeSales(0);
        Run run = start(world);
        try {
            int file = 1;
            for (int f = 1; f <= FAILURES; f++) {
                world.writeSales(file++);
                if (f % 3 == 0) {
                    world.rename(f, "Renamed " + f, f % 2 == 0 ? "NZ" : "PT");
                }
                Thread.sleep(500 + random.nextInt(2_500));
                SharedServices.flink().replaceTaskManager();
            }
            world.writeSales(file);
            world.awaitWarehouseEqualsReference(
                    () -> "seed " + seed + "; " + ReferenceFixture.jobDiagnostics(run.submitted()));
            world.awaitLakeEqualsReference(
                    home,
                    () -> "seed " + seed + "; " + ReferenceFixture.jobDiagnostics(run.submitted()));
            report(FAILURES + " TaskManager losses (seed " + seed + ")", world, run.stop());
        } finally {
            run.stopQuietly();
        }
    }

    @Test
    void mariaDbRestartS3OutageAndWarehouseRestartLoseAndDoubleNothing() throws Exception {
        ReferenceFixture world =
                new ReferenceFixture("svc_shop", "svc_warehouse", "svc-sales", 300);
        world.prepare();
        world.writeSales(0);
        Run run = start(world);
        try {
            world.awaitWarehouseEqualsReference(
                    () -> ReferenceFixture.jobDiagnostics(run.submitted()));

            // MariaDB goes away for 3 s; a change made right after it is back
            SharedServices.mariadb().restart(Duration.ofSeconds(3));
            world.rename(5, "After Restart", "IS");
            world.writeSales(1);
            long t0 = System.nanoTime();
            world.awaitWarehouseEqualsReference(
                    () ->
                            "after the MariaDB restart"
                                    + "; "
                                    + ReferenceFixture.jobDiagnostics(run.submitted()));
            String mariadb = seconds(t0);

            // the S3 server refuses connections for 8 s while a file waits to be read
            world.writeSales(2);
            SharedServices.s3().outage(Duration.ofSeconds(8));
            world.writeSales(3);
            t0 = System.nanoTime();
            world.awaitWarehouseEqualsReference(
                    () ->
                            "after the S3 outage"
                                    + "; "
                                    + ReferenceFixture.jobDiagnostics(run.submitted()));
            String s3 = seconds(t0);

            // the warehouse restarts for 3 s while rows are staged and committed
            world.writeSales(4);
            world.rename(9, "During Restart", "FI");
            SharedServices.postgres().restart(Duration.ofSeconds(3));
            world.writeSales(5);
            t0 = System.nanoTime();
            world.awaitWarehouseEqualsReference(
                    () ->
                            "after the PostgreSQL restart"
                                    + "; "
                                    + ReferenceFixture.jobDiagnostics(run.submitted()));
            String postgres = seconds(t0);
            world.awaitLakeEqualsReference(
                    home, () -> ReferenceFixture.jobDiagnostics(run.submitted()));
            report(
                    "MariaDB restart (caught up in "
                            + mariadb
                            + "), S3 outage of 8 s (caught up in "
                            + s3
                            + "), PostgreSQL restart (caught up in "
                            + postgres
                            + ")",
                    world,
                    run.stop());
        } finally {
            run.stopQuietly();
        }
    }

    private static String seconds(long startNanos) {
        return String.format("%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }

    private void report(String faults, ReferenceFixture world, JobRun stopped) throws Exception {
        List<String> rows = world.warehouse();
        assertThat(rows).doesNotHaveDuplicates();
        assertThat(new java.util.TreeSet<>(rows)).isEqualTo(world.reference());
        List<String> lake = world.lake(home);
        assertThat(lake).doesNotHaveDuplicates();
        assertThat(new java.util.TreeSet<>(lake)).isEqualTo(world.reference());
        System.out.printf(
                "reliability: reference pipeline, %s: %d restarts, %d rows compared by key and"
                        + " content in the warehouse and %d in the lake, 0 lost, 0 duplicated%n",
                faults, stopped.attempts(), rows.size(), lake.size());
    }

    /** A running pipeline with its watcher; stop() takes a savepoint. */
    private record Run(
            PipelineRunner runner,
            PipelineRunner.Submitted submitted,
            CatalogStore store,
            AtomicBoolean stopping,
            CompletableFuture<JobRun> watched) {

        JobRun stop() throws Exception {
            stopping.set(true);
            JobRun r = watched.get(2, TimeUnit.MINUTES);
            assertThat(r.state()).isEqualTo(JobRun.State.STOPPED);
            return r;
        }

        void stopQuietly() {
            stopping.set(true);
            try {
                watched.get(2, TimeUnit.MINUTES);
            } catch (Exception e) {
                // the test already failed; the job is cancelled by the watcher or the JVM's end
            }
            store.close();
        }
    }

    /**
     * The reference pipeline as shipped but for its restart strategy: a failure every few seconds
     * would exhaust the shipped five attempts (a user running chaos drills would raise it too).
     */
    private Run start(ReferenceFixture world) throws Exception {
        Path file = home.resolve("pipeline.yaml");
        String text =
                Files.readString(ReferenceFixture.examples().resolve("ecommerce/pipeline.yaml"));
        String edited =
                text.replace("attempts: 5\n    delay: 5 s", "attempts: 100\n    delay: 1 s");
        assertThat(edited).isNotEqualTo(text);
        Files.writeString(file, edited);
        PipelineDef pipeline = world.pipeline(Map.of(), file);
        CatalogStore store = CatalogStores.embedded(home.resolve("catalog"));
        PipelineRunner runner =
                new PipelineRunner(pipeline, home, store, new PrintWriter(System.out, true));
        String rest = "127.0.0.1:" + SharedServices.flink().restPort();
        PipelineRunner.Submitted s = runner.submit(rest, null, List.of());
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<JobRun> watched = ReferenceFixture.watch(runner, s, stop);
        return new Run(runner, s, store, stop, watched);
    }
}
