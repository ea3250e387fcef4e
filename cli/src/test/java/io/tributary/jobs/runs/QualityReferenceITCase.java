package io.tributary.jobs.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.JobRun;
import io.tributary.catalog.store.QualityResult;
import io.tributary.embedded.SharedServices;
import io.tributary.jobs.cli.CliRun;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.demo.DemoData;
import io.tributary.jobs.translator.PipelineTranslator;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/ecommerce/quality-pipeline.yaml on the embedded services: the reference join with a DQDL
 * ruleset and a hashed email. Seeded bad orders are each quarantined with exactly the rules they
 * fail, every other order lands once, no clear email reaches the warehouse or the quarantine, and
 * the window rules' results are in the catalog store, every record in one window.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QualityReferenceITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SALT = "a-salt-nobody-guesses-42";
    private static final String PIPELINE = "ecommerce-sales-quality";

    @TempDir Path home;

    /**
     * Each test's job, stopped after it even when the test failed: a job left running would add its
     * metrics to the next test's (the tests share the cluster and the pipeline's name).
     */
    private final Map<AtomicBoolean, CompletableFuture<JobRun>> running = new HashMap<>();

    @org.junit.jupiter.api.AfterEach
    void stopTheTestsJob() {
        running.forEach(
                (stop, watched) -> {
                    stop.set(true);
                    try {
                        watched.get(2, TimeUnit.MINUTES);
                    } catch (Exception e) {
                        System.out.println("the test's job did not stop cleanly: " + e);
                    }
                });
        running.clear();
    }

    @Test
    void badOrdersAreQuarantinedWithTheirRulesAndTheRestLandsOnceWithEmailsHashed()
            throws Exception {
        ReferenceFixture world = new ReferenceFixture("dq_shop", "dq_warehouse", "dq-sales", 150);
        world.prepare();
        world.writeSales(0);
        world.writeSales(1);
        var at = DemoData.DAY.atTime(12, 0);
        world.put(
                DemoData.salesKey(0).replaceAll("[^/]+$", "bad.json"),
                List.of(
                        new DemoData.Sale(990_001L, 3, "mug", 0, new BigDecimal("4.50"), at),
                        new DemoData.Sale(990_002L, 4, "kettle", 1, new BigDecimal("-1.00"), at),
                        new DemoData.Sale(990_003L, 5, "Mug!", 2, new BigDecimal("4.50"), at),
                        new DemoData.Sale(990_004L, 6, "BAD ITEM", 0, new BigDecimal("4.50"), at),
                        new DemoData.Sale(990_005L, 7, "scale", 3, new BigDecimal("30.00"), at)));
        world.exclude(List.of(990_001L, 990_002L, 990_003L, 990_004L));
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            PipelineRunner runner = runner(world, store);
            PipelineRunner.Submitted run =
                    runner.submit(
                            "127.0.0.1:" + SharedServices.flink().restPort(), null, List.of());
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<JobRun> watched = ReferenceFixture.watch(runner, run, stop);
            running.put(stop, watched);
            world.awaitWarehouseEqualsReference(() -> ReferenceFixture.jobDiagnostics(run));

            Path quarantine =
                    Path.of(
                            URI.create(
                                    PipelineTranslator.sinkQuarantine(
                                            home, PIPELINE, "sales_enriched")));
            Map<Long, List<String>> quarantined = awaitQuarantine(quarantine, 4);
            assertThat(quarantined)
                    .containsExactlyEntriesOf(
                            new TreeMap<>(
                                    Map.of(
                                            990_001L,
                                            List.of("ColumnValues \"quantity\" between 1 and 100"),
                                            990_002L,
                                            List.of("ColumnValues \"unit_price\" > 0"),
                                            990_003L,
                                            List.of(
                                                    "ColumnValues \"product\" matches"
                                                            + " \"[a-z0-9-]+\""),
                                            990_004L,
                                            List.of(
                                                    "ColumnValues \"quantity\" between 1 and 100",
                                                    "ColumnValues \"product\" matches"
                                                            + " \"[a-z0-9-]+\""))));

            // the emails: hashed in the warehouse and in the quarantine, in clear nowhere
            Set<String> emails =
                    DemoData.customers().stream()
                            .map(DemoData.Customer::email)
                            .collect(Collectors.toSet());
            List<String> hashes = warehouseEmails();
            assertThat(hashes).hasSize(world.reference().size());
            assertThat(hashes).allMatch(h -> h.matches("[0-9a-f]{64}"));
            assertThat(new HashSet<>(hashes)).doesNotContainAnyElementsOf(emails);
            String entries = quarantineText(quarantine);
            assertThat(emails).noneMatch(entries::contains);
            assertThat(String.join("\n", run.plan())).doesNotContain(SALT);

            // per-rule metrics on the Prometheus endpoint, as the dashboard's quality row asks
            String scrape = awaitScrape("quality_failed");
            String qualityLines =
                    java.util.Arrays.stream(scrape.split("\n"))
                            .filter(l -> l.contains("quality"))
                            .collect(Collectors.joining("\n"));
            assertThat(
                            metric(
                                    scrape,
                                    "ruleset_rule_quality_failed",
                                    "r2_ColumnValues__quantity__between_1_and_100"))
                    .as(qualityLines)
                    .isEqualTo(2.0);
            assertThat(metric(scrape, "ruleset_rule_quality_failed", "r1_IsComplete")).isZero();
            assertThat(metric(scrape, "ruleset_rule_quality_evaluated", "r1_IsComplete"))
                    .isEqualTo(world.sales().size());
            for (String name : io.tributary.jobs.cli.DashboardFiles.metricNames()) {
                if (name.contains("_quality_")) {
                    assertThat(scrape).as("the dashboard's " + name).contains(name + "{");
                }
            }

            stop.set(true);
            JobRun stopped = watched.get(2, TimeUnit.MINUTES);
            assertThat(stopped.state()).isEqualTo(JobRun.State.STOPPED);

            // the window rules: measured on every checkpoint's records, each record once
            Map<String, List<QualityResult>> byRule = new TreeMap<>();
            for (QualityResult r : store.qualityResults(PIPELINE, null)) {
                byRule.computeIfAbsent(r.rule(), k -> new ArrayList<>()).add(r);
            }
            assertThat(byRule).hasSize(9);
            assertThat(byRule.get("Mean \"amount\" < 10000"))
                    .as("the warehouse gate's rule")
                    .allMatch(r -> r.ruleset().equals(PIPELINE + "/warehouse"))
                    .allMatch(QualityResult::passed);
            long emitted = world.sales().size();
            assertThat(records(byRule, "RowCount > 0")).isEqualTo(emitted);
            assertThat(records(byRule, "IsComplete \"customer_email\"")).isEqualTo(emitted);
            assertThat(byRule.get("IsUnique \"order_id\"")).allMatch(QualityResult::passed);
            assertThat(byRule.get("RowCount > 0")).allMatch(QualityResult::passed);
            assertThat(byRule.get("ColumnValues \"unit_price\" > 0"))
                    .anyMatch(r -> !r.passed())
                    .allMatch(r -> r.passed() || r.value() < 1.0);

            // as users see them: tributary quality results, tributary quarantine list
            CliRun json =
                    CliRun.of(
                            "quality",
                            "results",
                            PIPELINE,
                            "--home",
                            home.toString(),
                            "--rule",
                            "RowCount",
                            "--json");
            assertThat(json.exitCode()).as(json.err()).isZero();
            JsonNode listed = JSON.readTree(json.out());
            assertThat(listed).hasSize(byRule.get("RowCount > 0").size());
            assertThat(listed).allMatch(n -> n.get("passed").asBoolean());
            CliRun table = CliRun.of("quality", "results", PIPELINE, "--home", home.toString());
            assertThat(table.out())
                    .contains("FAIL")
                    .contains("ColumnValues \"unit_price\" > 0")
                    .containsPattern("\\d+ results, \\d+ failed: score");
            CliRun listing =
                    CliRun.of(
                            "quarantine",
                            "list",
                            PIPELINE + ".sales_enriched",
                            "--home",
                            home.toString(),
                            "--json");
            assertThat(listing.exitCode()).as(listing.err()).isZero();
            assertThat(listing.out()).contains("990004");
            assertThat(emails).noneMatch(listing.out()::contains);
        }
    }

    @Test
    void windowsAndQuarantineStayExactWhenTheTaskManagerIsKilledMidWindow() throws Exception {
        long seed = Long.getLong("tributary.fault.seed", System.nanoTime() % 100_000);
        System.out.println(
                "fault seed " + seed + " (rerun with -Dtributary.fault.seed=" + seed + ")");
        java.util.Random random = new java.util.Random(seed);
        ReferenceFixture world =
                new ReferenceFixture("dqk_shop", "dqk_warehouse", "dqk-sales", 200);
        world.prepare();
        world.writeSales(0);
        var at = DemoData.DAY.atTime(13, 0);
        List<Long> bad = new ArrayList<>();
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            PipelineRunner runner = runner(world, store);
            PipelineRunner.Submitted run =
                    runner.submit(
                            "127.0.0.1:" + SharedServices.flink().restPort(), null, List.of());
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<JobRun> watched = ReferenceFixture.watch(runner, run, stop);
            running.put(stop, watched);
            for (int f = 1; f <= 3; f++) {
                world.writeSales(f);
                long id = 980_000L + f;
                bad.add(id);
                // a key after the file just written: the source lists keys after the greatest seen
                world.put(
                        DemoData.salesKey(f).replace(".json", "x-bad.json"),
                        List.of(new DemoData.Sale(id, f, "mug", 0, new BigDecimal("4.50"), at)));
                // killed while the window holds records, before its checkpoint completes
                Thread.sleep(300 + random.nextInt(1_500));
                SharedServices.flink().replaceTaskManager();
            }
            world.writeSales(4);
            world.exclude(bad);
            world.awaitWarehouseEqualsReference(
                    () -> "seed " + seed + "; " + ReferenceFixture.jobDiagnostics(run));
            Path quarantine =
                    Path.of(
                            URI.create(
                                    PipelineTranslator.sinkQuarantine(
                                            home, PIPELINE, "sales_enriched")));
            assertThat(awaitQuarantine(quarantine, 3)).containsOnlyKeys(bad);
            stop.set(true);
            assertThat(watched.get(2, TimeUnit.MINUTES).state()).isEqualTo(JobRun.State.STOPPED);

            Map<String, List<QualityResult>> byRule = new TreeMap<>();
            for (QualityResult r : store.qualityResults(PIPELINE, null)) {
                byRule.computeIfAbsent(r.rule(), k -> new ArrayList<>()).add(r);
            }
            long emitted = world.sales().size();
            // each record in exactly one written window, though windows died with the tasks:
            // every order on the transform's rules, the orders not quarantined on the gate's
            for (List<QualityResult> windows : byRule.values()) {
                boolean gate = windows.get(0).ruleset().endsWith("/warehouse");
                assertThat(windows.stream().mapToLong(QualityResult::records).sum())
                        .as("seed " + seed + ": " + windows.get(0).rule())
                        .isEqualTo(gate ? emitted - bad.size() : emitted);
            }
            long failedQuantity =
                    byRule.get("ColumnValues \"quantity\" between 1 and 100").stream()
                            .mapToLong(r -> Math.round(r.records() * (1 - r.value())))
                            .sum();
            assertThat(failedQuantity).as("seed " + seed).isEqualTo(bad.size());
        }
    }

    @Test
    void theWarehouseGateHoldsAWindowBackUntilALaterWindowPasses() throws Exception {
        ReferenceFixture world =
                new ReferenceFixture("dqg_shop", "dqg_warehouse", "dqg-sales", 120);
        world.prepare();
        world.writeSales(0);
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            PipelineRunner runner = runner(world, store);
            PipelineRunner.Submitted run =
                    runner.submit(
                            "127.0.0.1:" + SharedServices.flink().restPort(), null, List.of());
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<JobRun> watched = ReferenceFixture.watch(runner, run, stop);
            running.put(stop, watched);
            world.awaitWarehouseEqualsReference(() -> ReferenceFixture.jobDiagnostics(run));

            // an order worth a million, alone in its window: the window's mean fails the gate
            world.put(
                    DemoData.salesKey(1).replace(".json", "-big.json"),
                    List.of(
                            new DemoData.Sale(
                                    970_001L,
                                    3,
                                    "safe",
                                    10,
                                    new BigDecimal("100000.00"),
                                    DemoData.DAY.atTime(14, 0))));
            // both in one scrape: a scrape reads the counter and the gauge one after the other,
            // and the gate counts the failed window just before it holds its rows
            String scrape = awaitGauge("quality_gate_held_rows", 1, "quality_gate_windows_failed");
            assertThat(metric(scrape, "quality_gate_windows_failed", "")).isGreaterThanOrEqualTo(1);
            assertThat(warehouseHas("dqg_warehouse", 970_001L))
                    .as("the failed window's order is held back")
                    .isFalse();

            // ordinary orders: their window passes and lets the held one through with them
            world.writeSales(2);
            world.awaitWarehouseEqualsReference(() -> ReferenceFixture.jobDiagnostics(run));
            assertThat(warehouseHas("dqg_warehouse", 970_001L)).isTrue();
            stop.set(true);
            assertThat(watched.get(2, TimeUnit.MINUTES).state()).isEqualTo(JobRun.State.STOPPED);

            List<QualityResult> gate =
                    store.qualityResults(PIPELINE, null).stream()
                            .filter(r -> r.ruleset().equals(PIPELINE + "/warehouse"))
                            .toList();
            assertThat(gate).anyMatch(r -> !r.passed() && r.value() > 10_000);
            assertThat(gate.get(gate.size() - 1).passed()).isTrue();
        }
    }

    /**
     * The Prometheus scrape once gauge {@code name} of this pipeline, and each of the {@code also}
     * metrics, is at least {@code min} in it.
     */
    private static String awaitGauge(String name, double min, String... also) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String text = "";
        while (System.nanoTime() < deadline) {
            text = awaitScrape(name);
            String scrape = text;
            if (metric(text, name, "") >= min
                    && java.util.Arrays.stream(also).allMatch(m -> metric(scrape, m, "") >= min)) {
                return text;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(
                name
                        + " "
                        + String.join(" ", also)
                        + " never reached "
                        + min
                        + "; the last scrape:\n"
                        + text);
    }

    private static boolean warehouseHas(String db, long orderId) throws Exception {
        return ReferenceFixture.orderRows(db, orderId) > 0;
    }

    /** A runner of examples/ecommerce/quality-pipeline.yaml bound to {@code world}. */
    private PipelineRunner runner(ReferenceFixture world, CatalogStore store) {
        PipelineDef pipeline =
                world.pipeline(
                        Map.of("PII_SALT", SALT, "warehouse-table", "analytics.sales_enriched"),
                        ReferenceFixture.examples().resolve("ecommerce/quality-pipeline.yaml"));
        return new PipelineRunner(pipeline, home, store, new PrintWriter(System.out, true));
    }

    /** The Prometheus endpoint's text once it shows {@code what} (the job's metrics are in). */
    private static String awaitScrape(String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        String text = "";
        while (System.nanoTime() < deadline) {
            text =
                    java.net.http.HttpClient.newHttpClient()
                            .send(
                                    java.net.http.HttpRequest.newBuilder(
                                                    URI.create(
                                                            SharedServices.flink().prometheusUrl()))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString())
                            .body();
            if (text.contains(what) && text.contains("quality_windows_evaluated")) {
                return text;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no scrape showed " + what + "; the last:\n" + text);
    }

    /** The sum of the samples of {@code name} whose labels contain {@code label}. */
    private static double metric(String scrape, String name, String label) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("flink_taskmanager_job_task_operator_" + name + "{")
                    && line.contains(label)
                    && line.contains(PIPELINE.replace('-', '_'))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static long records(Map<String, List<QualityResult>> byRule, String rule) {
        return byRule.get(rule).stream().mapToLong(QualityResult::records).sum();
    }

    private static Map<Long, List<String>> awaitQuarantine(Path dir, int entries) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            Map<Long, List<String>> out = new TreeMap<>();
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                        JsonNode e = JSON.readTree(Files.readString(f));
                        List<String> rules = new ArrayList<>();
                        e.get("rules").forEach(r -> rules.add(r.asText()));
                        out.put(
                                JSON.readTree(e.get("raw").asText()).get("order_id").asLong(),
                                rules);
                    }
                }
            }
            if (out.size() >= entries || System.nanoTime() > deadline) {
                return out;
            }
            Thread.sleep(500);
        }
    }

    private static String quarantineText(Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                sb.append(Files.readString(f)).append('\n');
            }
        }
        return sb.toString();
    }

    private static List<String> warehouseEmails() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = SharedServices.postgres().connect("dq_warehouse");
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT customer_email FROM analytics.sales_enriched")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
