package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.jobs.demo.DemoData;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandITCase {

    @TempDir Path home;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void onceLoadsEverySampleRowIntoTheWarehouseExactlyOnce() throws Exception {
        int files = 4;
        int rowsPerFile = 250;
        BigDecimal expectedRevenue = BigDecimal.ZERO;
        // the sample, then one file more with a new column
        for (int f = 0; f <= files; f++) {
            for (DemoData.Sale s : DemoData.salesFile(f, rowsPerFile)) {
                expectedRevenue = expectedRevenue.add(s.amount());
            }
        }

        CliRun run =
                CliRun.of(
                        "demo",
                        "--once",
                        "--json",
                        "--files",
                        Integer.toString(files),
                        "--rows-per-file",
                        Integer.toString(rowsPerFile),
                        "--home",
                        home.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        // the demo closed what it opened: nothing of it still runs on its home (an open
        // embedded store keeps a watchdog rewriting its lock file there)
        assertThat(
                        Thread.getAllStackTraces().keySet().stream()
                                .map(Thread::getName)
                                .filter(n -> n.contains(home.toString())))
                .as("threads still working in the demo's home")
                .isEmpty();
        JsonNode summary = new ObjectMapper().readTree(run.out());
        assertThat(summary.get("ok").asBoolean()).isTrue();
        assertThat(summary.get("rows-in-warehouse").asLong()).isEqualTo(1250);
        assertThat(summary.get("distinct-orders-in-warehouse").asLong()).isEqualTo(1250);
        // the crawlers found both tables; the pipeline read them as crawled
        assertThat(summary.get("catalog-tables").asText()).isEqualTo("customers,sales");
        // the newer file's column: a new catalog version, and in the warehouse on its orders
        assertThat(summary.get("sales-schema-version").asInt()).isEqualTo(2);
        assertThat(summary.get("orders-with-coupon-in-warehouse").asLong()).isEqualTo(250);
        assertThat(summary.get("customers").asInt()).isEqualTo(DemoData.CUSTOMERS);
        assertThat(new BigDecimal(summary.get("revenue-in-warehouse").asText()))
                .isEqualByComparingTo(expectedRevenue);
        // every order carries its customer's latest values, the renamed one's included
        assertThat(summary.get("rows-with-stale-customer").asLong()).isZero();
        assertThat(summary.get("renamed-customer-orders").asLong()).isPositive();
        // the second sink, read back through the Iceberg REST catalog
        assertThat(summary.get("rows-in-lake").asLong()).isEqualTo(1250);
        assertThat(summary.get("distinct-orders-in-lake").asLong()).isEqualTo(1250);
        assertThat(new BigDecimal(summary.get("revenue-in-lake").asText()))
                .isEqualByComparingTo(new BigDecimal(summary.get("revenue-in").asText()));
        assertThat(summary.get("lake-rows-with-stale-customer").asLong()).isZero();
        assertThat(summary.get("lake-snapshots").asInt()).isPositive();
        assertThat(summary.get("renamed-customer-orders-updated").asLong())
                .isEqualTo(summary.get("renamed-customer-orders").asLong());
        assertThat(summary.get("first-row-seconds").asDouble())
                .isPositive()
                .isLessThanOrEqualTo(summary.get("seconds").asDouble());

        // again in the same home, as users re-run it: the earlier files and rows are replaced
        CliRun again =
                CliRun.of(
                        "demo",
                        "--once",
                        "--json",
                        "--files",
                        "2",
                        "--rows-per-file",
                        Integer.toString(rowsPerFile),
                        "--home",
                        home.toString());
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        JsonNode second = new ObjectMapper().readTree(again.out());
        assertThat(second.get("ok").asBoolean()).isTrue();
        assertThat(second.get("rows-in-warehouse").asLong()).isEqualTo(750);
        // a second demo starts its lake table and its crawled tables afresh too
        assertThat(second.get("rows-in-lake").asLong()).isEqualTo(750);
        assertThat(second.get("sales-schema-version").asInt()).isEqualTo(2);

        // both demos are in the run history: each planned on version 1, then again on version
        // 2 (as a new run), its last run stopped with a savepoint
        CliRun history =
                CliRun.of("jobs", "history", "--json", "--home", home.resolve("demo").toString());
        assertThat(history.exitCode()).as(history.err()).isZero();
        JsonNode runs = new ObjectMapper().readTree(history.out());
        assertThat(runs.size()).isGreaterThanOrEqualTo(4);
        int stoppedWithSavepoint = 0;
        for (JsonNode r : runs) {
            assertThat(r.get("pipeline").asText()).isEqualTo("ecommerce-catalog");
            assertThat(r.get("state").asText()).isIn("STOPPED", "FAILED");
            if (r.get("state").asText().equals("STOPPED")) {
                assertThat(r.get("savepoint").asText()).contains("savepoint");
                stoppedWithSavepoint++;
            }
        }
        // per demo: the run stopped to plan again, and the last one
        assertThat(stoppedWithSavepoint).isGreaterThanOrEqualTo(4);
    }
}
