package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.QualityResult;
import io.tributary.jobs.demo.DemoData;
import io.tributary.jobs.runs.ReferenceFixture;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guarded reference pipeline (examples/ecommerce/quality-pipeline.yaml: a ruleset on the
 * enriched orders, the warehouse behind a gate) run by {@code tributary run} in a JVM of its own,
 * killed with SIGKILL while windows hold records, then resumed: every order lands once, each bad
 * one is quarantined once, and the window results add up to every order exactly once, on the
 * transform's rules (all orders) and on the gate's (the orders not quarantined).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QualityProcessKillITCase {

    private static final String PIPELINE = "ecommerce-sales-quality";

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path home;

    @Test
    void killMinus9MidWindowThenResumeKeepsRowsAndResultsExact() throws Exception {
        ReferenceFixture world =
                new ReferenceFixture("dqkill_shop", "dqkill_warehouse", "dqkill-sales", 300);
        world.prepare();
        List<Long> bad = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            world.writeSales(f);
        }
        Path file = ReferenceFixture.examples().resolve("ecommerce/quality-pipeline.yaml");
        Map<String, String> env = new HashMap<>(world.environment());
        env.put("PII_SALT", "kill-salt");
        env.put("warehouse-table", "analytics.sales_enriched");
        env.put("checkpoint-interval", "1 s");
        Path log1 = home.resolve("run-1.log");
        Process first =
                CliProcess.start(
                        List.of("run", file.toString(), "--home", home.toString()), env, log1);
        try {
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(300))
                    .failFast(() -> !first.isAlive())
                    .until(() -> world.warehouse().size() >= 600);
            // records in flight, a bad one among them, when the process dies
            world.writeSales(3);
            bad.add(writeBad(world, 3));
            Thread.sleep(1_500);
        } finally {
            first.destroyForcibly(); // SIGKILL: no savepoint, no shutdown hook
            first.waitFor(30, TimeUnit.SECONDS);
        }
        String beforeKill = String.join("\n", JvmLauncher.tail(log1, 15));
        world.writeSales(4);
        bad.add(writeBad(world, 4));
        world.exclude(bad);

        Path log2 = home.resolve("run-2.log");
        Process second =
                CliProcess.start(
                        List.of("run", file.toString(), "--resume", "--home", home.toString()),
                        env,
                        log2);
        try {
            world.awaitWarehouseEqualsReference(
                    () ->
                            beforeKill
                                    + "\n--- resumed run:\n"
                                    + String.join("\n", JvmLauncher.tail(log2, 30)));
            assertThat(Files.readString(log2)).contains("resumed from");
            CliRun stop = CliRun.of("stop", PIPELINE, "--home", home.toString());
            assertThat(stop.exitCode()).as(stop.out() + stop.err()).isZero();
            assertThat(second.waitFor(2, TimeUnit.MINUTES)).isTrue();
        } finally {
            second.destroyForcibly();
        }
        List<String> rows = world.warehouse();
        assertThat(rows).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(rows)).isEqualTo(world.reference());
        assertThat(quarantined()).containsExactlyInAnyOrderElementsOf(bad);

        long emitted = world.sales().size();
        Map<String, Long> records = new TreeMap<>();
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            for (QualityResult r : store.qualityResults(PIPELINE, null)) {
                records.merge(r.ruleset() + " " + r.rule(), r.records(), Long::sum);
            }
        }
        assertThat(records).hasSize(9);
        records.forEach(
                (rule, n) ->
                        assertThat(n)
                                .as(rule)
                                .isEqualTo(
                                        rule.startsWith(PIPELINE + "/warehouse ")
                                                ? emitted - bad.size()
                                                : emitted));
        // the pipeline hashes every customer's email: none is in clear in what it wrote or said
        List<String> emails = world.customers().stream().map(DemoData.Customer::email).toList();
        assertThat(emails).isNotEmpty();
        Map<String, String> written = new TreeMap<>();
        written.put("log of the first run", Files.readString(log1));
        written.put("log of the resumed run", Files.readString(log2));
        written.put("warehouse", String.join("\n", rows));
        for (Path dir : List.of(quarantineDir("sales_enriched"), quarantineDir("warehouse"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.filter(Files::isRegularFile).toList()) {
                        written.put(p.toString(), Files.readString(p));
                    }
                }
            }
        }
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"))) {
            written.put("quality results", store.qualityResults(PIPELINE, null).toString());
        }
        assertThat(written.get("log of the resumed run")).contains("resumed from");
        written.forEach(
                (where, text) ->
                        assertThat(emails)
                                .as("a customer's email in clear in the " + where)
                                .noneMatch(text::contains));
        System.out.printf(
                "reliability: guarded reference pipeline, kill -9 of tributary run mid-window +"
                        + " --resume: %d rows in the warehouse, %d quarantined, 9 rules' windows"
                        + " counting %d orders each once%n",
                rows.size(), bad.size(), emitted);
    }

    /** An order with quantity 0 (a per-record rule fails it) after sales file {@code f}. */
    private static long writeBad(ReferenceFixture world, int f) {
        long id = 960_000L + f;
        world.put(
                DemoData.salesKey(f).replace(".json", "x-bad.json"),
                List.of(
                        new DemoData.Sale(
                                id,
                                f,
                                "mug",
                                0,
                                new BigDecimal("4.50"),
                                DemoData.DAY.atTime(15, f))));
        return id;
    }

    /** Where the quarantine of the pipeline's transform or sink {@code element} is kept. */
    private Path quarantineDir(String element) {
        return Path.of(
                java.net.URI.create(
                        io.tributary.jobs.translator.PipelineTranslator.sinkQuarantine(
                                home, PIPELINE, element)));
    }

    /** The order ids in the transform's quarantine. */
    private List<Long> quarantined() throws Exception {
        Path dir = quarantineDir("sales_enriched");
        List<Long> out = new ArrayList<>();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(x -> x.toString().endsWith(".json")).toList()) {
                out.add(
                        json.readTree(json.readTree(Files.readString(p)).get("raw").asText())
                                .get("order_id")
                                .asLong());
            }
        }
        return out;
    }
}
