package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.embedded.EmbeddedServices;
import io.tributary.embedded.EmbeddedServices.Kind;
import io.tributary.jobs.demo.DemoData;
import io.tributary.jobs.demo.DemoPipeline;
import io.tributary.jobs.demo.DemoPipeline.WarehouseCounts;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.TableResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code tributary demo}: the reference pipeline on the embedded default. Starts the services,
 * writes the sample, runs the job with progress, and keeps new files flowing until Ctrl-C ({@code
 * --once}: stops when the sample is loaded and prints a summary).
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Run the e-commerce demo pipeline on the embedded services (S3 JSON -> warehouse).")
final class DemoCommand implements Callable<Integer> {

    @Mixin HomeOption home;

    @Option(names = "--once", description = "Stop when the sample is loaded and print a summary.")
    boolean once;

    @Option(
            names = "--files",
            defaultValue = "10",
            description = "Sample files written at start (default ${DEFAULT-VALUE}).")
    int files;

    @Option(
            names = "--rows-per-file",
            defaultValue = "500",
            description = "Orders per file (default ${DEFAULT-VALUE}).")
    int rowsPerFile;

    @Option(
            names = "--interval",
            defaultValue = "PT5S",
            description = "Without --once: a new file every (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(
            names = "--timeout",
            defaultValue = "PT10M",
            description = "With --once: give up after (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", description = "With --once: print the summary as JSON.")
    boolean json;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    private PrintWriter out;
    private long startNanos;
    private double servicesSeconds;
    private double submittedSeconds;
    private double firstRowSeconds = -1;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        startNanos = System.nanoTime();
        Path dir = home.resolve().resolve("demo");
        say("Starting embedded services (PostgreSQL, MariaDB, S3, Flink) under %s ...", dir);
        try (EmbeddedServices services =
                EmbeddedServices.builder(dir)
                        .with(Kind.POSTGRES, Kind.MARIADB, Kind.S3, Kind.FLINK)
                        .start()) {
            servicesSeconds = elapsed();
            say("Flink Web UI: %s", services.flink().webUiUrl());
            DemoPipeline demo = new DemoPipeline(services);
            demo.reset();
            int customers = demo.writeCustomers();
            say("Wrote %d customers to MariaDB %s.customers", customers, DemoPipeline.SHOP_DB);
            long rows = 0;
            BigDecimal revenue = BigDecimal.ZERO;
            try (S3Client s3 = services.s3().client()) {
                for (int f = 0; f < files; f++) {
                    for (DemoData.Sale s : demo.writeSalesFile(s3, f, rowsPerFile)) {
                        rows++;
                        revenue = revenue.add(s.amount());
                    }
                }
            }
            say(
                    "Wrote %d sales files (%d orders) to s3://%s/sales/",
                    files, rows, DemoPipeline.BUCKET);
            return once
                    ? runOnce(demo, services, rows, revenue, customers)
                    : runContinuously(demo, services, rows);
        }
    }

    private int runOnce(
            DemoPipeline demo,
            EmbeddedServices services,
            long expectedRows,
            BigDecimal expectedRevenue,
            int customers)
            throws Exception {
        TableResult result = demo.submit(false, Duration.ZERO);
        JobClient job = result.getJobClient().orElseThrow();
        submittedSeconds = elapsed();
        say("Job %s submitted; loading into %s ...", job.getJobID(), DemoPipeline.WAREHOUSE_TABLE);
        var done = job.getJobExecutionResult();
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastProgress = 0;
        while (!done.isDone()) {
            if (System.nanoTime() > deadline) {
                job.cancel();
                throw new IllegalStateException("the demo job did not finish within " + timeout);
            }
            // the first rows are looked for every 100 ms (the startup figure), progress every 2 s
            if (firstRowSeconds < 0 && demo.warehouseCounts().rows() > 0) {
                firstRowSeconds = elapsed();
                say("First rows in the warehouse");
            }
            if (System.nanoTime() - lastProgress >= TimeUnit.SECONDS.toNanos(2)) {
                lastProgress = System.nanoTime();
                progress(demo, expectedRows);
            }
            try {
                done.get(firstRowSeconds < 0 ? 100 : 500, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // still running: look again
            }
        }
        if (firstRowSeconds < 0) {
            // the job ended between two looks: its end is when the first rows were seen
            firstRowSeconds = elapsed();
            say("First rows in the warehouse");
        }
        done.get();
        WarehouseCounts counts = demo.warehouseCounts();
        boolean ok =
                counts.rows() == expectedRows
                        && counts.distinctOrders() == expectedRows
                        && counts.revenue().compareTo(expectedRevenue) == 0;
        double seconds = elapsed();
        if (json) {
            ObjectNode summary = ServicesCommand.JSON.createObjectNode();
            summary.put("ok", ok);
            summary.put("files", files);
            summary.put("rows-in", expectedRows);
            summary.put("customers", customers);
            summary.put("rows-in-warehouse", counts.rows());
            summary.put("distinct-orders-in-warehouse", counts.distinctOrders());
            summary.put("revenue-in", expectedRevenue);
            summary.put("revenue-in-warehouse", counts.revenue());
            summary.put(
                    "warehouse-table",
                    DemoPipeline.WAREHOUSE_DB + "." + DemoPipeline.WAREHOUSE_TABLE);
            summary.put("seconds", Math.round(seconds * 10) / 10.0);
            // from the command's start (the JVM is already up): services, job, first row
            summary.put("services-up-seconds", Math.round(servicesSeconds * 10) / 10.0);
            summary.put("job-submitted-seconds", Math.round(submittedSeconds * 10) / 10.0);
            summary.put("first-row-seconds", Math.round(firstRowSeconds * 10) / 10.0);
            out.println(ServicesCommand.JSON.writeValueAsString(summary));
        } else {
            out.println();
            out.println("Demo summary");
            out.printf(
                    "  sales files on S3      %d (s3://%s/sales/)%n", files, DemoPipeline.BUCKET);
            out.printf("  rows in (files)        %d%n", expectedRows);
            out.printf(
                    "  customers in MariaDB   %d (%s.customers)%n",
                    customers, DemoPipeline.SHOP_DB);
            out.printf(
                    "  rows in warehouse      %d (PostgreSQL %s.%s)%n",
                    counts.rows(), DemoPipeline.WAREHOUSE_DB, DemoPipeline.WAREHOUSE_TABLE);
            out.printf("  distinct order ids     %d%n", counts.distinctOrders());
            out.printf("  revenue in / loaded    %s / %s%n", expectedRevenue, counts.revenue());
            out.printf(
                    "  elapsed                %.1f s (services up %.1f s, job submitted %.1f s,"
                            + " first rows %.1f s)%n",
                    seconds, servicesSeconds, submittedSeconds, firstRowSeconds);
            out.println(
                    ok
                            ? "  result                 OK: every sample row is in the warehouse, once"
                            : "  result                 MISMATCH: the warehouse does not match the sample");
        }
        out.flush();
        return ok ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private int runContinuously(DemoPipeline demo, EmbeddedServices services, long initialRows)
            throws Exception {
        TableResult result = demo.submit(true, Duration.ofSeconds(2));
        JobClient job = result.getJobClient().orElseThrow();
        say("Job %s running. New files every %s; Ctrl-C to stop.", job.getJobID(), interval);
        say(
                "Its bookmark (checkpoints): tributary bookmark show %s",
                demo.checkpointDir().resolve(job.getJobID().toHexString()));
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            stopping.set(true);
                            try {
                                stopped.await(30, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "tributary-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long expected = initialRows;
        int nextFile = files;
        long nextFileAt = System.nanoTime() + interval.toNanos();
        try (S3Client s3 = services.s3().client()) {
            while (!stopping.get() && !job.getJobExecutionResult().isDone()) {
                if (System.nanoTime() >= nextFileAt) {
                    expected += demo.writeSalesFile(s3, nextFile++, rowsPerFile).size();
                    nextFileAt = System.nanoTime() + interval.toNanos();
                }
                progress(demo, expected);
                Thread.sleep(1000);
            }
        } finally {
            say("Stopping the job and the services ...");
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the cluster is going away with the services anyway
            }
            stopped.countDown();
        }
        if (job.getJobExecutionResult().isCompletedExceptionally()) {
            job.getJobExecutionResult().get();
        }
        return ExitCodes.OK;
    }

    private void progress(DemoPipeline demo, long expectedRows) throws Exception {
        WarehouseCounts counts = demo.warehouseCounts();
        say("warehouse rows %d / %d", counts.rows(), expectedRows);
    }

    private double elapsed() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void say(String format, Object... args) {
        if (json) {
            return;
        }
        out.printf("[%6.1fs] %s%n", elapsed(), String.format(format, args));
        out.flush();
    }
}
