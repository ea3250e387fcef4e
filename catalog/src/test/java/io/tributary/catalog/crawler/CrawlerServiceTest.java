package io.tributary.catalog.crawler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.CrawlerDefinition;
import io.tributary.catalog.model.CrawlerRun;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.store.CatalogException;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.objectstore.ObjectStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crawlers defined in the catalog, run by a {@link CrawlerService} as {@code services up} runs
 * them: continuously, under a lease, resumed after a restart from what the store remembers.
 */
class CrawlerServiceTest {

    @TempDir Path data;
    @TempDir Path home;
    CatalogService catalog;
    final List<CrawlerRun> passes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        SchemaRegistry registry = SchemaRegistry.open(home.resolve("registry"));
        var store = CatalogStores.embedded(home.resolve("catalog"));
        catalog = new CatalogService(store, registry, store, registry);
    }

    @AfterEach
    void close() {
        catalog.close();
    }

    private void write(String key, String text) throws IOException {
        Path p = data.resolve(key);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    private CrawlerDefinition definition(String name, String target, Duration schedule) {
        return new CrawlerDefinition(
                name,
                List.of(target),
                "retail",
                schedule,
                List.of(),
                null,
                null,
                null,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                null,
                null);
    }

    private CrawlerService service(String role) {
        return CrawlerService.start(
                catalog,
                (d, t) -> ObjectStores.open(t, null),
                (d, run, recorded) -> passes.add(run),
                role);
    }

    /** Waits for {@code done}; a timeout says what the crawler had done by then. */
    private void await(String what, BooleanSupplier done, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "Timed out waiting for " + what + "; by then: " + state.get());
            }
            Thread.sleep(50);
        }
    }

    private String state() {
        return "runs "
                + catalog.store().crawlerRuns("sales", 50)
                + ", lease "
                + catalog.store().crawlerLease("sales")
                + ", tables "
                + catalog.store().tables("retail").stream().map(CatalogTable::name).toList();
    }

    private List<CrawlerRun> runs() {
        return catalog.store().crawlerRuns("sales", 50);
    }

    private int partitions() {
        return catalog.store().table("retail", "sales").isEmpty()
                ? 0
                : catalog.store().partitions("retail", "sales").size();
    }

    @Test
    void aContinuousCrawlerRunsInTheServiceAndResumesWhereItWasAfterARestart() throws Exception {
        for (int i = 0; i < 3; i++) {
            write(
                    "sales/dt=2026-12-01/part-" + i + ".json",
                    "{\"order_id\": " + i + ", \"customer_id\": 7, \"amount\": 1.5}\n");
        }
        catalog.store()
                .createCrawler(
                        definition(
                                "sales",
                                data.resolve("sales").toUri().toString(),
                                Duration.ofSeconds(1)));

        try (CrawlerService first = service("test-1")) {
            await("the first pass, recorded", () -> runs().size() == 1, this::state);
            assertThat(partitions()).isEqualTo(1);
            CrawlerRun start = runs().get(0);
            assertThat(start.trigger()).isEqualTo("schedule (start)");
            assertThat(start.tablesCreated()).containsExactly("sales");
            assertThat(start.filesSampled()).isEqualTo(3);
            assertThat(catalog.store().crawlerLease("sales").orElseThrow().holder())
                    .isEqualTo(first.holder());

            // a new partition with a new column: in the catalog within a few passes, as a new
            // schema version and a recorded run; passes that found nothing are not recorded
            int before = catalog.store().table("retail", "sales").orElseThrow().schemaVersion();
            write(
                    "sales/dt=2026-12-02/part-0.json",
                    "{\"order_id\": 9, \"customer_id\": 8, \"amount\": 2.5, \"coupon\": \"X\"}\n");
            await(
                    "the new partition and column, recorded",
                    () ->
                            runs().stream()
                                    .anyMatch(
                                            r ->
                                                    !r.id().equals(start.id())
                                                            && r.partitionsAdded() == 1),
                    this::state);
            assertThat(partitions()).isEqualTo(2);
            CatalogTable t = catalog.store().table("retail", "sales").orElseThrow();
            assertThat(t.columns()).extracting(Column::name).contains("coupon");
            assertThat(t.schemaVersion()).isGreaterThan(before);
            List<CrawlerRun> runs = runs();
            assertThat(runs).hasSize(2); // the passes between found nothing: not recorded
            assertThat(runs.get(0).partitionsAdded()).isEqualTo(1);
            assertThat(runs.get(0).versionsRegistered()).isEqualTo(1);
            assertThat(runs.get(0).filesSampled()).isEqualTo(1);
            assertThat(passes.size()).isGreaterThanOrEqualTo(runs.size());
        }
        assertThat(catalog.store().crawlerLease("sales").orElseThrow().holder()).isNull();

        // while no service runs: one more file; a new service samples only it
        write(
                "sales/dt=2026-12-03/part-0.json",
                "{\"order_id\": 10, \"customer_id\": 7, \"amount\": 3}\n");
        int recorded = catalog.store().crawlerRuns("sales", 50).size();
        try (CrawlerService second = service("test-2")) {
            await(
                    "the first pass after the restart, recorded",
                    () -> runs().size() == recorded + 1,
                    this::state);
            assertThat(partitions()).isEqualTo(3);
            List<CrawlerRun> runs = runs();
            CrawlerRun resumed = runs.get(0);
            assertThat(resumed.trigger()).isEqualTo("schedule (start)");
            assertThat(resumed.filesListed()).isEqualTo(5);
            assertThat(resumed.filesSampled()).isEqualTo(1);
            assertThat(resumed.tablesCreated()).isEmpty();

            // a second process: it never runs the crawler the first one holds
            try (CrawlerService third = service("test-3")) {
                Thread.sleep(2500);
                assertThat(third.running()).isEmpty();
                assertThat(second.running()).containsExactly("sales");
            }

            // stopped in the catalog: the service ends it and gives the lease up
            catalog.store().updateCrawler("sales", c -> c.withStopped(true));
            await("the stop", () -> second.running().isEmpty(), this::state);
            await(
                    "the lease given up",
                    () -> catalog.store().crawlerLease("sales").orElseThrow().holder() == null,
                    this::state);
        }
    }

    @Test
    void aTargetThatKeepsFailingIsOneFailedRunNamingIt() throws Exception {
        Path gone = data.resolve("gone");
        catalog.store()
                .createCrawler(definition("gone", gone.toUri().toString(), Duration.ofSeconds(1)));
        try (CrawlerService service = service("test-failing")) {
            await(
                    "four failed passes",
                    () -> passes.size() >= 4,
                    () -> "passes " + passes + ", runs " + catalog.store().crawlerRuns("gone", 50));
            List<CrawlerRun> runs = catalog.store().crawlerRuns("gone", 50);
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).state()).isEqualTo(CrawlerRun.FAILED);
            assertThat(runs.get(0).errors()).singleElement().asString().contains("gone");
            assertThat(passes).allMatch(r -> r.state().equals(CrawlerRun.FAILED));

            // the folder appears: the next pass succeeds and is recorded
            write("gone/part-0.json", "{\"id\": 1}\n");
            await(
                    "the pass after the fix",
                    () -> catalog.store().crawlerRuns("gone", 50).size() == 2,
                    () -> "runs " + catalog.store().crawlerRuns("gone", 50));
            assertThat(catalog.store().crawlerRuns("gone", 50).get(0).state())
                    .isEqualTo(CrawlerRun.SUCCEEDED);
        }
    }

    @Test
    void aDefinitionIsCheckedBeforeItIsStored() {
        var store = catalog.store();
        store.createCrawler(definition("sales", "s3://shop/sales/", null));
        assertThatThrownBy(
                        () ->
                                CrawlerDefinitions.check(
                                        definition("sales-2026", "s3a://shop/sales/2026/", null),
                                        store))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("Crawler 'sales-2026'")
                .hasMessageContaining("overlaps crawler 'sales'")
                .hasMessageContaining("another --database");
        // another prefix, or the same one into another database: fine
        CrawlerDefinitions.check(definition("returns", "s3://shop/returns/", null), store);
        assertThatThrownBy(
                        () ->
                                CrawlerDefinitions.check(
                                        definition(
                                                "shop",
                                                "jdbc:mysql://127.0.0.1:3306/shop?user=u&password=hunter2",
                                                null),
                                        store))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("carries a password")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(
                        () ->
                                CrawlerDefinitions.check(
                                        definition("ftp", "ftp://host/x/", null), store))
                .hasMessageContaining("not a location Tributary crawls");
        assertThatThrownBy(
                        () ->
                                CrawlerDefinitions.check(
                                        definition("bad name!", "s3://other/", null), store))
                .hasMessageContaining("a crawler's name");
        CrawlerDefinition badPolicy =
                new CrawlerDefinition(
                        "p",
                        List.of("s3://p/"),
                        "retail",
                        null,
                        List.of(),
                        "sometimes",
                        null,
                        null,
                        0,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        false,
                        null,
                        null);
        assertThatThrownBy(() -> CrawlerDefinitions.check(badPolicy, store))
                .hasMessageContaining("--schema-change 'sometimes' is not one of [update, log]");
        assertThat(store.crawlers()).extracting(CrawlerDefinition::name).containsExactly("sales");
    }

    @Test
    void anUnreachableTargetIsRefusedNamingIt() {
        CrawlerDefinition d = definition("shop", "jdbc:mysql://127.0.0.1:1/shop", null);
        assertThatThrownBy(
                        () ->
                                CrawlerDefinitions.reach(
                                        d,
                                        (c, t) -> ObjectStores.open(t, null),
                                        Duration.ofSeconds(5)))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("database jdbc:mysql://127.0.0.1:1/shop cannot be reached")
                .hasMessageContaining("Connection refused")
                .hasMessageContaining("--no-check");
    }
}
