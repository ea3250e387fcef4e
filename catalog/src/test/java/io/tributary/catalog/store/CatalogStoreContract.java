package io.tributary.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.model.CatalogDatabase;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.CrawlerDefinition;
import io.tributary.catalog.model.CrawlerRun;
import io.tributary.catalog.model.DataType;
import io.tributary.catalog.model.DataType.Field;
import io.tributary.catalog.model.DataType.Kind;
import io.tributary.catalog.model.Partition;
import io.tributary.catalog.model.TableFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every catalog store does, whatever keeps it (Iceberg's {@code CatalogTests} idea): each
 * store's test extends this and says how to open a fresh store and how to reopen the same one.
 */
abstract class CatalogStoreContract {

    /** A store with nothing in it. */
    protected abstract CatalogStore newStore();

    /** The same store opened again, as after a restart. */
    protected abstract CatalogStore reopen();

    CatalogStore store;

    @BeforeEach
    void open() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static final String HOSTILE = "we\"ird`; DROP TABLE x;-- ünï 表";

    static CatalogTable table(String db, String name, int version) {
        DataType nested =
                new DataType.Struct(
                        List.of(
                                new Field("a b", DataType.of(Kind.INT)),
                                new Field(
                                        "tags",
                                        new DataType.ArrayOf(
                                                DataType.of(Kind.STRING).withNullable(true),
                                                false))),
                        true);
        return new CatalogTable(
                db,
                name,
                "s3://bucket/" + name + "/",
                TableFormat.CSV,
                Map.of("delimiter", ";", "header", "true"),
                List.of(
                        new Column("id", DataType.of(Kind.BIGINT)),
                        new Column(
                                "price",
                                new DataType.Decimal(12, 2, true),
                                "in EUR",
                                List.of("int", "double")),
                        new Column(HOSTILE, nested)),
                List.of(new Column("year", DataType.of(Kind.INT))),
                List.of("id"),
                Map.of("crawler.location", "s3://bucket/"),
                version,
                Instant.parse("2026-01-02T03:04:05Z"));
    }

    static Partition partition(String year, long files) {
        return new Partition(
                List.of(year),
                "s3://bucket/t/year=" + year + "/",
                files,
                files * 100,
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-02T00:00:00Z"),
                false);
    }

    @Test
    void databasesAreCreatedListedAndDropped() {
        store.createDatabase(
                new CatalogDatabase("retail", "shop data", Map.of("owner", "ann")), false);
        store.createDatabase(CatalogDatabase.named(HOSTILE), false);
        assertThat(store.databases())
                .extracting(CatalogDatabase::name)
                .containsExactlyInAnyOrder("retail", HOSTILE);
        assertThat(store.database("retail"))
                .hasValueSatisfying(
                        d -> {
                            assertThat(d.description()).isEqualTo("shop data");
                            assertThat(d.properties()).containsEntry("owner", "ann");
                        });
        assertThatThrownBy(() -> store.createDatabase(CatalogDatabase.named("retail"), false))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("already exists");
        store.createDatabase(CatalogDatabase.named("retail"), true);

        store.putTable(table("retail", "sales", 1));
        assertThatThrownBy(() -> store.dropDatabase("retail", false))
                .hasMessageContaining("still has tables");
        store.dropDatabase("retail", true);
        assertThat(store.database("retail")).isEmpty();
        assertThat(store.table("retail", "sales")).isEmpty();
        assertThatThrownBy(() -> store.dropDatabase("retail", true))
                .hasMessageContaining("does not exist");
    }

    @Test
    void tablesRoundTripExactly() {
        store.createDatabase(CatalogDatabase.named("retail"), false);
        CatalogTable t = table("retail", HOSTILE, 3);
        store.putTable(t);
        assertThat(store.table("retail", HOSTILE)).contains(t);
        assertThat(store.tables("retail")).containsExactly(t);

        CatalogTable replaced = table("retail", HOSTILE, 4);
        store.putTable(replaced);
        assertThat(store.table("retail", HOSTILE)).contains(replaced);
        assertThat(store.tables("retail")).hasSize(1);

        assertThat(store.dropTable("retail", HOSTILE)).isTrue();
        assertThat(store.dropTable("retail", HOSTILE)).isFalse();
        assertThat(store.tables("retail")).isEmpty();
    }

    @Test
    void aDatabaseUpdateKeepsItsNameAndSurvivesAReopen() {
        store.createDatabase(
                new io.tributary.catalog.model.CatalogDatabase(
                        HOSTILE, "before", java.util.Map.of("owner", "a")),
                false);
        store.updateDatabase(
                HOSTILE,
                d ->
                        new io.tributary.catalog.model.CatalogDatabase(
                                d.name(), "after", java.util.Map.of("owner", "b", "tier", "gold")));
        store.close();
        store = reopen();
        var d = store.database(HOSTILE).orElseThrow();
        assertThat(d.description()).isEqualTo("after");
        assertThat(d.properties()).containsEntry("owner", "b").containsEntry("tier", "gold");
        assertThatThrownBy(
                        () ->
                                store.updateDatabase(
                                        HOSTILE,
                                        x ->
                                                new io.tributary.catalog.model.CatalogDatabase(
                                                        "other", null, java.util.Map.of())))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("cannot be renamed");
        assertThatThrownBy(() -> store.updateDatabase("missing", x -> x))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void aSwapWinsOnlyAgainstTheValueItRead() throws Exception {
        store.createDatabase(CatalogDatabase.named("lake"), false);
        CatalogTable v1 = table("lake", "orders", 1).withProperty("pointer", "m1");
        assertThat(store.swapTable(v1, "pointer", null)).isTrue();
        assertThat(store.swapTable(v1.withProperty("pointer", "other"), "pointer", null))
                .as("creating a table that exists")
                .isFalse();

        // two writers read m1; each tries to move the pointer on from it, at the same time
        CatalogTable a = v1.withProperty("pointer", "m2-a");
        CatalogTable b = v1.withProperty("pointer", "m2-b");
        try (CatalogStore second = reopen()) {
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var fa = pool.submit(() -> store.swapTable(a, "pointer", "m1"));
                var fb = pool.submit(() -> second.swapTable(b, "pointer", "m1"));
                assertThat(List.of(fa.get(), fb.get())).containsExactlyInAnyOrder(true, false);
            } finally {
                pool.shutdown();
            }
            String winner = store.table("lake", "orders").orElseThrow().properties().get("pointer");
            assertThat(winner).isIn("m2-a", "m2-b");
            assertThat(second.table("lake", "orders").orElseThrow().properties())
                    .containsEntry("pointer", winner);
        }
        assertThat(store.swapTable(v1.withProperty("pointer", "m3"), "pointer", "m1"))
                .as("a stale expectation")
                .isFalse();
        assertThat(store.swapTable(v1.withProperty("pointer", "m9"), "pointer", "m7")).isFalse();
    }

    @Test
    void aTableNeedsItsDatabase() {
        assertThatThrownBy(() -> store.putTable(table("nowhere", "t", 1)))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("'nowhere' does not exist");
        assertThatThrownBy(() -> store.tables("nowhere")).hasMessageContaining("does not exist");
    }

    @Test
    void partitionsAreUpsertedAndRemovedWithTheirTableAtomically() {
        store.createDatabase(CatalogDatabase.named("retail"), false);
        CatalogTable t = table("retail", "sales", 1);
        store.commit(
                t, List.of(partition("2024", 1), partition("9", 1), partition("10", 1)), List.of());
        assertThat(store.partitions("retail", "sales"))
                .extracting(p -> p.values().get(0))
                .as("numbers in numeric order")
                .containsExactly("9", "10", "2024");

        store.commit(t, List.of(partition("2024", 5)), List.of(List.of("9")));
        assertThat(store.partitions("retail", "sales"))
                .extracting(p -> p.values().get(0), Partition::fileCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("10", 1L),
                        org.assertj.core.groups.Tuple.tuple("2024", 5L));
        assertThat(store.partitions("retail", "sales").get(1)).isEqualTo(partition("2024", 5));

        // a partition with the wrong number of values fails the whole commit
        CatalogTable newer = table("retail", "sales", 2);
        assertThatThrownBy(
                        () ->
                                store.commit(
                                        newer,
                                        List.of(
                                                new Partition(
                                                        List.of("1", "2"),
                                                        "x",
                                                        0,
                                                        0,
                                                        null,
                                                        null,
                                                        false)),
                                        List.of()))
                .hasMessageContaining("2 values");
        assertThat(store.table("retail", "sales").orElseThrow().schemaVersion()).isEqualTo(1);

        store.dropTable("retail", "sales");
        assertThat(store.partitions("retail", "sales")).isEmpty();
    }

    @Test
    void everythingSurvivesAReopen() {
        store.createDatabase(CatalogDatabase.named("retail"), false);
        CatalogTable t = table("retail", "sales", 7);
        store.commit(t, List.of(partition("2024", 2)), List.of());
        store.close();
        store = reopen();
        assertThat(store.databases()).extracting(CatalogDatabase::name).contains("retail");
        assertThat(store.table("retail", "sales")).contains(t);
        assertThat(store.partitions("retail", "sales")).containsExactly(partition("2024", 2));
    }

    @Test
    void runHistoryKeepsEachRunsLatestStateNewestFirst() {
        java.time.Instant t0 = java.time.Instant.parse("2026-11-29T10:00:00Z");
        JobRun first =
                new JobRun(
                        "shop-1",
                        "shop",
                        "/p/shop.yaml",
                        null,
                        null,
                        JobRun.State.STARTING,
                        t0,
                        null,
                        0,
                        0,
                        null,
                        null,
                        null,
                        null,
                        null);
        store.putRun(first);
        JobRun running =
                first.withJob("abc123", "127.0.0.1:8081")
                        .withState(JobRun.State.RUNNING, null, null)
                        .withProgress(2, 17, "file:/cp/abc123/chk-17", t0.plusSeconds(60));
        store.putRun(running);
        JobRun second =
                new JobRun(
                        "shop-2",
                        "shop",
                        "/p/shop.yaml",
                        "def456",
                        "127.0.0.1:8081",
                        JobRun.State.FAILED,
                        t0.plusSeconds(3600),
                        t0.plusSeconds(3700),
                        3,
                        0,
                        null,
                        null,
                        null,
                        "file:/cp/abc123/chk-17",
                        "boom: a 'quoted' reason");
        store.putRun(second);
        store.close();
        store = reopen();
        assertThat(store.runs()).containsExactly(second, running);
        assertThat(store.run("shop-1")).contains(running);
        assertThat(store.run("nope")).isEmpty();

        JobRun stopped =
                store.updateRun(
                        "shop-1",
                        r ->
                                r.withSavepoint("file:/sp/1")
                                        .withState(JobRun.State.STOPPED, t0.plusSeconds(90), null));
        assertThat(stopped.savepoint()).isEqualTo("file:/sp/1");
        assertThat(store.run("shop-1")).contains(stopped);
        assertThat(stopped.lastCheckpointId()).isEqualTo(17);
        assertThatThrownBy(() -> store.updateRun("nope", r -> r))
                .hasMessageContaining("No run nope");
    }

    static CrawlerDefinition crawlerDef(String name, String target) {
        return new CrawlerDefinition(
                name,
                List.of(target),
                "retail",
                Duration.ofSeconds(5),
                List.of("tmp/**"),
                "update",
                null,
                null,
                0,
                null,
                "shop",
                "env:SHOP_PASSWORD",
                null,
                null,
                null,
                false,
                null,
                null);
    }

    static CrawlerRun crawlerRun(String crawler, String id, Instant started) {
        return new CrawlerRun(
                crawler,
                id,
                started,
                started.plusSeconds(1),
                CrawlerRun.SUCCEEDED,
                "manual",
                10,
                3,
                List.of("sales"),
                List.of(),
                List.of(),
                List.of(),
                2,
                0,
                0,
                1,
                List.of());
    }

    @Test
    void crawlersAreKeptWithTheirRunsAndFilesUntilDropped() {
        CrawlerDefinition d = crawlerDef(HOSTILE, "s3://bucket/sales/");
        store.createCrawler(d);
        assertThatThrownBy(() -> store.createCrawler(d))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("exists already");
        Instant t0 = Instant.parse("2026-12-01T00:00:00Z");
        store.putCrawlerRun(crawlerRun(HOSTILE, "r1", t0));
        store.putCrawlerRun(crawlerRun(HOSTILE, "r2", t0.plusSeconds(60)));
        String longKey = "year=2026/" + "x".repeat(3000) + "/part 1 \"é\".json";
        store.updateCrawlerFiles(
                HOSTILE,
                "s3://bucket/sales/",
                Map.of("a.json", "{\"size\":1}", longKey, "{\"size\":2}"),
                List.of());
        store.updateCrawlerFiles(
                HOSTILE, "s3://bucket/sales/", Map.of("a.json", "{\"size\":3}"), List.of());
        store.close();
        store = reopen();

        CrawlerDefinition back = store.crawler(HOSTILE).orElseThrow();
        assertThat(back).isEqualTo(d);
        assertThat(store.crawlers()).containsExactly(d);
        assertThat(store.crawlerRuns(HOSTILE, 10))
                .extracting(CrawlerRun::id)
                .containsExactly("r2", "r1");
        assertThat(store.crawlerRuns(HOSTILE, 1)).hasSize(1);
        assertThat(store.crawlerRuns(HOSTILE, 10).get(1)).isEqualTo(crawlerRun(HOSTILE, "r1", t0));
        assertThat(store.crawlerFiles(HOSTILE, "s3://bucket/sales/"))
                .containsOnly(
                        Map.entry("a.json", "{\"size\":3}"), Map.entry(longKey, "{\"size\":2}"));
        assertThat(store.crawlerFiles(HOSTILE, "s3://bucket/other/")).isEmpty();
        store.updateCrawlerFiles(HOSTILE, "s3://bucket/sales/", Map.of(), List.of(longKey));
        assertThat(store.crawlerFiles(HOSTILE, "s3://bucket/sales/")).containsOnlyKeys("a.json");

        CrawlerDefinition stopped = store.updateCrawler(HOSTILE, c -> c.withStopped(true));
        assertThat(store.crawler(HOSTILE).orElseThrow().stopped()).isTrue();
        assertThat(stopped.updated()).isAfterOrEqualTo(d.updated());

        assertThat(store.dropCrawler(HOSTILE)).isTrue();
        assertThat(store.dropCrawler(HOSTILE)).isFalse();
        assertThat(store.crawler(HOSTILE)).isEmpty();
        assertThat(store.crawlerRuns(HOSTILE, 10)).isEmpty();
        assertThat(store.crawlerFiles(HOSTILE, "s3://bucket/sales/")).isEmpty();
        assertThatThrownBy(() -> store.updateCrawler(HOSTILE, c -> c))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("No crawler named");
    }

    @Test
    void aCrawlersLeaseHasOneHolderAtATime() throws Exception {
        store.createCrawler(crawlerDef("sales", "s3://bucket/sales/"));
        try (CatalogStore other = reopen()) {
            assertThat(store.leaseCrawler("sales", "a", Duration.ofMinutes(1), null)).isTrue();
            assertThat(other.leaseCrawler("sales", "b", Duration.ofMinutes(1), null)).isFalse();
            Instant pass = Instant.parse("2026-12-01T10:00:00Z");
            assertThat(store.leaseCrawler("sales", "a", Duration.ofMinutes(1), pass)).isTrue();
            assertThat(other.crawlerLease("sales").orElseThrow())
                    .satisfies(
                            l -> {
                                assertThat(l.holder()).isEqualTo("a");
                                assertThat(l.lastPass()).isEqualTo(pass);
                                assertThat(l.until()).isAfter(Instant.now());
                            });
            // released: the other takes it; expired: taken over
            store.releaseCrawler("sales", "a");
            assertThat(other.leaseCrawler("sales", "b", Duration.ofMillis(1), null)).isTrue();
            Thread.sleep(20);
            assertThat(store.leaseCrawler("sales", "a", Duration.ofMinutes(1), null)).isTrue();
            assertThat(store.crawlerLease("sales").orElseThrow().lastPass()).isEqualTo(pass);
            // a release by one that does not hold it changes nothing
            other.releaseCrawler("sales", "b");
            assertThat(store.crawlerLease("sales").orElseThrow().holder()).isEqualTo("a");
        }
        assertThat(store.leaseCrawler("nobody", "a", Duration.ofMinutes(1), null)).isFalse();
    }

    @Test
    void aPipelinesDefinitionGetsANewVersionOnlyWhenItsTextChanges() {
        JobDefinition v1 = store.putJobDefinition(HOSTILE, "/p/a.yaml", "name: a\n");
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.hash()).isEqualTo(JobDefinition.sha256("name: a\n"));
        assertThat(store.putJobDefinition(HOSTILE, "/elsewhere/a.yaml", "name: a\n")).isEqualTo(v1);
        JobDefinition v2 = store.putJobDefinition(HOSTILE, "/p/a.yaml", "name: a\n# changed\n");
        assertThat(v2.version()).isEqualTo(2);
        // back to the first text: still a new version, the history is kept as it happened
        assertThat(store.putJobDefinition(HOSTILE, "/p/a.yaml", "name: a\n").version())
                .isEqualTo(3);
        store.putJobDefinition("other", "/p/b.yaml", "name: b\n");
        store.close();
        store = reopen();

        assertThat(store.jobDefinition(HOSTILE, 0).orElseThrow().version()).isEqualTo(3);
        assertThat(store.jobDefinition(HOSTILE, 2).orElseThrow()).isEqualTo(v2);
        assertThat(store.jobDefinition(HOSTILE, 4)).isEmpty();
        assertThat(store.jobDefinition("nobody", 0)).isEmpty();
        assertThat(store.jobDefinitions(HOSTILE))
                .extracting(JobDefinition::version)
                .containsExactly(1, 2, 3);
        assertThat(store.jobDefinitions("other")).hasSize(1);
    }
}
