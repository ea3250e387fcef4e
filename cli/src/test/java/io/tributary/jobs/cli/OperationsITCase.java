package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.catalog.registry.RegistryHttpServer;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.JobRun;
import io.tributary.connectors.cdc.CdcConnection;
import io.tributary.connectors.cdc.CdcSourceBuilder;
import io.tributary.embedded.SharedServices;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.demo.DemoData;
import io.tributary.jobs.runs.PipelineRunner;
import io.tributary.jobs.runs.ReferenceFixture;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What an operator watches, on a running reference pipeline: the Prometheus endpoint of the local
 * cluster is scraped before and after sales files (some with bad lines), a customer rename and a
 * CDC schema change; every Tributary metric and the Flink metrics the dashboard uses are there for
 * the job and moved. The Grafana dashboard uses only metric names found in the scrape, and {@code
 * tributary jobs watch} shows the same figures.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OperationsITCase {

    private static final String PIPELINE = "ecommerce-sales-enriched";

    /** The Flink job of the pipeline (tributary run names it so). */
    private static final String PIPELINE_JOB = "tributary: " + PIPELINE;

    private static final Pattern SAMPLE =
            Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static final String QUARANTINED =
            "flink_taskmanager_job_task_operator_numRecordsQuarantined";

    @TempDir Path home;

    @Test
    void prometheusExportsEveryFigureMovingAndTheDashboardAndWatchUseThem() throws Exception {
        ReferenceFixture world =
                new ReferenceFixture("ops_shop", "ops_warehouse", "ops-sales", 100);
        world.prepare();
        world.writeSales(0);
        String prometheus = SharedServices.flink().prometheusUrl();
        // the in-process S3 server (S3Proxy on files) has answered a listing without a key it
        // held while the burst wrote others (seen in CI: files 10 and 13 skipped, later ones
        // read): a full listing every 10 s finds what the listing after the greatest key
        // missed, as it finds late files, instead of the example's 5 minutes
        PipelineDef pipeline = world.pipeline(Map.of("rescan-interval", "10 s"));
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"));
                RegistryHttpServer registry =
                        RegistryHttpServer.start(home.resolve("registry"), 0);
                Connection shop = SharedServices.mariadb().connect("ops_shop");
                Statement sql = shop.createStatement()) {
            PipelineRunner runner =
                    new PipelineRunner(pipeline, home, store, new PrintWriter(System.out, true));
            String rest = "127.0.0.1:" + SharedServices.flink().restPort();
            PipelineRunner.Submitted run = runner.submit(rest, null, List.of());
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<JobRun> watched = ReferenceFixture.watch(runner, run, stop);
            // Tributary's own CDC source on the same table (what `RedshiftChangeSink` jobs read):
            // its schema versions and change lag
            JobClient cdc = cdcJob(registry.url());
            try {
                world.awaitWarehouseEqualsReference(() -> ReferenceFixture.jobDiagnostics(run));
                // the pipeline's customers capture: its snapshot counted against the estimate,
                // then streaming (columns may change from then on, docs/cdc.md)
                JsonNode customers =
                        CliRun.awaitStreaming(rest, run.run().flinkJobId(), "ops_shop.customers");
                assertThat(customers.get("read").asLong()).isEqualTo(DemoData.customers().size());
                assertThat(customers.get("estimated").asLong())
                        .isBetween(1L, DemoData.customers().size() * 2L);
                CliRun.awaitStreaming(rest, cdc.getJobID().toHexString(), "ops_shop.customers");
                Scrape before =
                        awaitScrape(
                                prometheus,
                                s -> s.max("schemaVersion", "cdc-operations") == 1,
                                "the CDC job's table at schema version 1");

                // a burst of files, two of them with bad lines; a rename; a column added upstream
                for (int f = 1; f <= 40; f++) {
                    world.writeSales(f);
                }
                putRaw(
                        "sales/dt=2026-11-24/part-00041-bad.json",
                        ("{\"order_id\": 990001, \"customer_id\": 3, \"product\": \"lamp\"\n"
                                        + "{\"order_id\": 990002, \"customer_id\": \"three\"}\n")
                                .getBytes(StandardCharsets.UTF_8));
                putRaw(
                        "sales/dt=2026-11-24/part-00042-bad.json",
                        new byte[] {
                            '{', '"', 'x', '"', ':', '"', (byte) 0xC3, '(', '"', '}', '\n'
                        });
                world.rename(7, "Alan Watched", "NZ");
                double pendingSeen = 0;
                long until = System.currentTimeMillis() + 30_000;
                while (System.currentTimeMillis() < until) {
                    Scrape s = scrape(prometheus);
                    pendingSeen = Math.max(pendingSeen, s.max("pendingFiles", PIPELINE_JOB));
                    if (s.sumExact(QUARANTINED, PIPELINE_JOB) >= 3) {
                        break;
                    }
                    Thread.sleep(50);
                }
                sql.execute("ALTER TABLE customers ADD COLUMN tier VARCHAR(10)");
                sql.execute("UPDATE customers SET tier = 'gold' WHERE id = 12");
                world.awaitWarehouseEqualsReference(() -> ReferenceFixture.jobDiagnostics(run));

                Scrape after =
                        awaitScrape(
                                prometheus,
                                s ->
                                        s.max("schemaVersion", "cdc-operations") >= 2
                                                && s.max("changeLagMs", "cdc-operations") >= 0
                                                && s.max("freshnessMs", PIPELINE_JOB) >= 0,
                                "schema version 2, a change lag and a freshness");
                Files.writeString(home.resolve("scrape.txt"), after.text);

                // Flink's figures per source and sink, for this job, grew
                for (String counter :
                        List.of(
                                "flink_taskmanager_job_task_operator_numRecordsIn",
                                "flink_taskmanager_job_task_operator_numRecordsOut",
                                "flink_taskmanager_job_task_operator_numBytesIn",
                                "flink_taskmanager_job_task_operator_numRecordsSend",
                                "flink_taskmanager_job_task_operator_numBytesSend",
                                "flink_taskmanager_job_task_operator_rowsCommitted",
                                "flink_taskmanager_job_task_operator_commitLatencyMs_count",
                                "flink_taskmanager_job_task_operator_lastCommittedCheckpoint",
                                "flink_taskmanager_job_task_operator_numRecordsQuarantined",
                                "flink_jobmanager_job_operator_coordinator_enumerator_filesDiscovered",
                                "flink_jobmanager_job_numberOfCompletedCheckpoints")) {
                    assertThat(after.sumExact(counter, PIPELINE_JOB))
                            .as(counter + " grows")
                            .isGreaterThan(before.sumExact(counter, PIPELINE_JOB));
                }
                // bad records by reason: 2 unparseable lines, 1 invalid UTF-8 line
                Map<String, Double> reasons =
                        after.byLabel(
                                "flink_taskmanager_job_task_operator_reason_numRecordsQuarantined",
                                PIPELINE_JOB,
                                "reason");
                assertThat(reasons)
                        .containsEntry("unparseable", 2.0)
                        .containsEntry("invalid_utf8", 1.0)
                        .containsEntry("corrupt_file", 0.0)
                        .containsEntry("line_too_long", 0.0)
                        .containsEntry("schema_mismatch", 0.0)
                        .containsEntry("file_vanished", 0.0);
                // files pending were seen during the burst, none are left
                assertThat(pendingSeen).as("pending files during the burst").isPositive();
                assertThat(after.max("pendingFiles", PIPELINE_JOB)).isZero();
                // freshness: now minus the newest order time committed (file 40's last order)
                long newest =
                        java.time.LocalDateTime.of(2026, 11, 24, 8, 40, 0, 99_000_000)
                                .toInstant(java.time.ZoneOffset.UTC)
                                .toEpochMilli();
                assertThat(after.max("freshnessMs", PIPELINE_JOB))
                        .isBetween(
                                (double) (after.at - newest - 5_000),
                                (double) (after.at - newest + 5_000));
                assertThat(after.max("lastCommitAgeMs", PIPELINE_JOB)).isBetween(0.0, 60_000.0);
                // CDC: Flink CDC's lag in the pipeline, Tributary's source's lag and versions
                assertThat(after.has("currentFetchEventTimeLag", PIPELINE_JOB)).isTrue();
                assertThat(before.max("schemaVersion", "cdc-operations")).isEqualTo(1.0);
                assertThat(after.max("schemaVersion", "cdc-operations")).isEqualTo(2.0);
                assertThat(after.max("changeLagMs", "cdc-operations")).isBetween(0.0, 60_000.0);

                // the dashboard asks only for what the endpoint exports
                Set<String> exported = new TreeSet<>(after.names());
                exported.addAll(before.names());
                Set<String> used = new TreeSet<>(DashboardFiles.metricNames());
                // the data quality row: its job has no ruleset (QualityReferenceITCase checks it)
                used.removeIf(name -> name.contains("_quality_"));
                assertThat(used).isNotEmpty();
                assertThat(exported).containsAll(used);

                // the same figures through Flink's REST API (fetched every second), for the CDC job
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(
                                () -> {
                                    io.tributary.jobs.runs.JobFigures cdcFigures =
                                            io.tributary.jobs.runs.JobFigures.read(
                                                    new io.tributary.jobs.runs.FlinkRest(rest),
                                                    cdc.getJobID().toHexString());
                                    assertThat(cdcFigures.schemaVersions())
                                            .containsEntry("ops_shop.customers", 2L);
                                    assertThat(cdcFigures.cdcLagMs()).isBetween(0L, 60_000L);
                                });

                // the Web UI is served beside the REST API the figures come from
                HttpResponse<String> ui =
                        HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                SharedServices.flink().webUiUrl()
                                                                        + "/"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString());
                assertThat(ui.body()).contains("Apache Flink Web Dashboard");

                // jobs watch: the same figures, from Flink's REST API
                CliRun watch =
                        CliRun.of(
                                "jobs",
                                "watch",
                                PIPELINE,
                                "--count",
                                "1",
                                "--home",
                                home.toString());
                System.out.println(watch.out());
                assertThat(watch.exitCode()).as(watch.err()).isZero();
                assertThat(watch.out())
                        .contains(PIPELINE)
                        .contains("RUNNING")
                        .containsPattern("rows committed [1-9][0-9,]*")
                        .contains("quarantined 3 (invalid_utf8 1, unparseable 2)")
                        .contains("pending files 0")
                        .containsPattern("freshness [0-9.]+ d ")
                        .containsPattern("cdc +streaming · lag ")
                        .containsPattern("commit p50 [0-9]+ ms")
                        .containsPattern("checkpoints +[1-9][0-9,]* completed");
            } finally {
                stop.set(true);
                if (!cdc.getJobStatus().get().isGloballyTerminalState()) {
                    cdc.cancel().get();
                }
            }
            assertThat(watched.get(2, TimeUnit.MINUTES).state()).isEqualTo(JobRun.State.STOPPED);
        }
    }

    private static JobClient cdcJob(String registryUrl) throws Exception {
        var conf = SharedServices.flink().clientConfiguration();
        conf.setString("execution.checkpointing.interval", "1 s");
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        env.fromSource(
                        CdcSourceBuilder.forConnection(
                                        CdcConnection.parse(
                                                SharedServices.mariadb().jdbcUrl("ops_shop"),
                                                null,
                                                null))
                                .tables("ops_shop.customers")
                                .serverIds("7301")
                                .registry(registryUrl, null)
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "cdc")
                .setParallelism(1)
                .sinkTo(new DiscardingSink<>())
                .setParallelism(1);
        return env.executeAsync("cdc-operations");
    }

    private static void putRaw(String key, byte[] all) {
        try (S3Client s3 = SharedServices.s3().client()) {
            s3.putObject(b -> b.bucket("ops-sales").key(key), RequestBody.fromBytes(all));
        }
    }

    /** Scrapes until {@code done}; on time-out, fails with Tributary's samples of the last. */
    private static Scrape awaitScrape(
            String url, java.util.function.Predicate<Scrape> done, String what) throws Exception {
        long until = System.currentTimeMillis() + 60_000;
        Scrape last;
        do {
            last = scrape(url);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(300);
        } while (System.currentTimeMillis() < until);
        StringBuilder b = new StringBuilder("no scrape showed " + what + "; the last had:\n");
        for (String line : last.text.split("\n")) {
            if (line.matches(
                    "^flink_\\w*(schemaVersion|changeLagMs|freshnessMs|pendingFiles|Quarantined"
                            + "|FetchEventTimeLag|rowsCommitted)\\b.*")) {
                b.append(line).append('\n');
            }
        }
        throw new AssertionError(b.toString());
    }

    static Scrape scrape(String url) throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(url)).build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return new Scrape(r.body());
    }

    /** One scrape of the endpoint: samples by metric name, with their labels. */
    static final class Scrape {
        final String text;
        final long at = System.currentTimeMillis();
        final Map<String, List<Map.Entry<Map<String, String>, Double>>> samples = new TreeMap<>();

        Scrape(String text) {
            this.text = text;
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = SAMPLE.matcher(line.trim());
                if (!m.matches()) {
                    continue;
                }
                Map<String, String> labels = new HashMap<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                double v;
                try {
                    v = Double.parseDouble(m.group(4));
                } catch (NumberFormatException e) {
                    continue;
                }
                samples.computeIfAbsent(m.group(1), k -> new java.util.ArrayList<>())
                        .add(Map.entry(labels, v));
            }
        }

        Set<String> names() {
            return samples.keySet();
        }

        /**
         * Flink's label value of job name {@code job}: characters other than letters, digits, ':'
         * and '_' become '_'.
         */
        static String jobLabel(String job) {
            return job.replaceAll("[^a-zA-Z0-9:_]", "_");
        }

        /** Samples of the metric named exactly {@code name} for job {@code job}. */
        private List<Double> values(String name, String job) {
            return samples.getOrDefault(name, List.of()).stream()
                    .filter(e -> jobLabel(job).equals(e.getKey().get("job_name")))
                    .map(Map.Entry::getValue)
                    .filter(v -> !v.isNaN())
                    .toList();
        }

        /** Samples of every metric whose name ends with _{@code suffix}, for the job. */
        private List<Double> suffixed(String suffix, String job) {
            List<Double> out = new java.util.ArrayList<>();
            for (String name : samples.keySet()) {
                if (name.endsWith("_" + suffix)) {
                    out.addAll(values(name, job));
                }
            }
            return out;
        }

        double sumExact(String name, String job) {
            return values(name, job).stream().mapToDouble(Double::doubleValue).sum();
        }

        double sum(String suffix, String job) {
            return suffixed(suffix, job).stream().mapToDouble(Double::doubleValue).sum();
        }

        double max(String suffix, String job) {
            return suffixed(suffix, job).stream()
                    .mapToDouble(Double::doubleValue)
                    .max()
                    .orElse(Double.NaN);
        }

        boolean has(String suffix, String job) {
            return !suffixed(suffix, job).isEmpty();
        }

        Map<String, Double> byLabel(String name, String job, String label) {
            Map<String, Double> out = new TreeMap<>();
            samples.getOrDefault(name, List.of()).stream()
                    .filter(e -> jobLabel(job).equals(e.getKey().get("job_name")))
                    .forEach(e -> out.merge(e.getKey().get(label), e.getValue(), Double::sum));
            return out;
        }
    }
}
