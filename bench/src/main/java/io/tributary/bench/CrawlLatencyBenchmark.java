package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlerService;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.CrawlerDefinition;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.embedded.EmbeddedServices;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.definition.Variables;
import io.tributary.jobs.demo.DemoPipeline;
import io.tributary.jobs.runs.PipelineRunner;
import io.tributary.objectstore.ObjectStores;
import io.tributary.objectstore.S3Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Continuous crawl latency, the row Glue lacks: files land on S3 one at a time, each in a new
 * partition, every fourth with a new column. A continuous crawler (run by a {@link CrawlerService}
 * as {@code tributary services up} runs it) keeps the catalog current, and a pipeline reading the
 * crawled table ({@code type: catalog}) loads it into the warehouse. For each file: the time from
 * its upload returning to its partition (and column) being in the catalog store, which is what
 * {@code tributary catalog describe} and {@code catalog partitions} print, and to its first row
 * being in the warehouse (with its column's value, for a column file: the job is planned again on
 * the new version first).
 *
 * <p>Against: the floor of each (a crawler pass's own duration, measured here; the checkpoint
 * interval, as a row is committed on a checkpoint), and what a Glue user has instead: a crawler on
 * a schedule, whose latency is half its interval on average and its interval at worst (Glue's
 * shortest schedule is 5 minutes; not measured here, Glue is out of reach).
 */
final class CrawlLatencyBenchmark {

    private static final String BUCKET = "bench-latency";
    private static final String DATABASE = "bench";
    private static final String TABLE = "events";
    private static final int ROWS_PER_FILE = 10;

    /** One file's latencies, in seconds. */
    record Event(int index, boolean column, double catalogSeconds, double warehouseSeconds) {}

    private CrawlLatencyBenchmark() {}

    static boolean run(int events, String checkpoint, boolean quick, Path out) throws Exception {
        Path work = Files.createTempDirectory("tributary-bench-latency-");
        System.out.printf(
                "crawl-latency: %d files, one at a time, each in a new partition, every fourth"
                        + " with a new column; continuous crawler (a pass every %d s), pipeline"
                        + " checkpoint interval %s%n",
                events, CrawlerDefinition.CONTINUOUS.toSeconds(), checkpoint);
        List<Double> passSeconds = new CopyOnWriteArrayList<>();
        try (EmbeddedServices services =
                        EmbeddedServices.builder(work)
                                .with(
                                        EmbeddedServices.Kind.S3,
                                        EmbeddedServices.Kind.POSTGRES,
                                        EmbeddedServices.Kind.FLINK)
                                .start();
                CatalogStore store = CatalogStores.embedded(work.resolve("catalog"));
                SchemaRegistry registry = SchemaRegistry.open(work.resolve("registry"))) {
            services.s3().createBucket(BUCKET);
            services.postgres().createDatabase("latency_wh");
            S3Settings s3 = DemoPipeline.embeddedS3(services.s3());
            try (S3Client client = services.s3().client()) {
                put(client, 0, false);
                store.createCrawler(
                        CrawlerDefinition.of(
                                        TABLE,
                                        DATABASE,
                                        CrawlerDefinition.CONTINUOUS,
                                        List.of("s3://" + BUCKET + "/" + TABLE + "/"))
                                .withS3Endpoint(services.s3().endpoint()));
                CatalogService catalog = new CatalogService(store, registry);
                try (CrawlerService crawler =
                        CrawlerService.start(
                                catalog,
                                (d, target) -> ObjectStores.open(target, s3),
                                (d, run, recorded) ->
                                        passSeconds.add(run.took().toMillis() / 1000.0),
                                "bench")) {
                    await(
                            () -> store.table(DATABASE, TABLE).isPresent(),
                            Duration.ofMinutes(2),
                            "the crawler to create the table");
                    List<Event> measured =
                            measure(services, store, client, events, checkpoint, work);
                    return report(measured, passSeconds, events, checkpoint, quick, out);
                }
            }
        } finally {
            Bench.deleteTree(work);
        }
    }

    private static List<Event> measure(
            EmbeddedServices services,
            CatalogStore store,
            S3Client client,
            int events,
            String checkpoint,
            Path work)
            throws Exception {
        String yaml =
                "version: 1\n"
                        + "name: crawl-latency\n"
                        + "settings:\n"
                        + "  parallelism: 1\n"
                        + "  checkpoint-interval: "
                        + checkpoint
                        + "\n"
                        + "sources:\n"
                        + "  - name: events\n"
                        + "    type: catalog\n"
                        + "    table: "
                        + DATABASE
                        + "."
                        + TABLE
                        + "\n"
                        + "    scan-interval: 1 s\n"
                        + "    endpoint: ${s3.endpoint}\n"
                        + "    path-style: true\n"
                        + "    access-key: ${s3.access-key}\n"
                        + "    secret-key: ${s3.secret-key}\n"
                        + "sinks:\n"
                        + "  - name: warehouse\n"
                        + "    type: redshift\n"
                        + "    from: events\n"
                        + "    url: "
                        + services.postgres().jdbcUrl("latency_wh")
                        + "\n"
                        + "    table: bench.events\n"
                        + "    keys: [id]\n";
        PipelineDef pipeline =
                new PipelineParser(Variables.of(Map.of(), services.endpoints()))
                        .parse("crawl-latency.yaml", yaml);
        PipelineRunner runner = new PipelineRunner(pipeline, work, store, null);
        PipelineRunner.Submitted first =
                runner.submit("127.0.0.1:" + services.flink().restPort(), null, List.of());
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<PipelineRunner.Watched> watched =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return runner.follow(first, stop::get, Duration.ofMillis(200));
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        });
        try {
            await(
                    () -> inWarehouse(services, 0, null),
                    Duration.ofMinutes(3),
                    "the first file's rows in the warehouse");
            SplittableRandom random = new SplittableRandom(42);
            List<Event> measured = new ArrayList<>();
            for (int i = 1; i <= events; i++) {
                // a random phase against the crawler's passes and the job's checkpoints
                Thread.sleep(random.nextLong(CrawlerDefinition.CONTINUOUS.toMillis()));
                boolean column = i % 4 == 0;
                String name = column ? "c" + i : null;
                put(client, i, column);
                long landed = System.nanoTime();
                String day = day(i).toString();
                double catalogSeconds = -1;
                double warehouseSeconds = -1;
                long deadline = landed + TimeUnit.MINUTES.toNanos(3);
                while (catalogSeconds < 0 || warehouseSeconds < 0) {
                    if (System.nanoTime() > deadline || watched.isDone()) {
                        throw new IllegalStateException(
                                "file "
                                        + i
                                        + " not seen within 3 minutes (catalog "
                                        + catalogSeconds
                                        + " s, warehouse "
                                        + warehouseSeconds
                                        + " s); job: "
                                        + (watched.isDone() ? watched.get().run() : "running"));
                    }
                    double now = (System.nanoTime() - landed) / 1e9;
                    if (catalogSeconds < 0 && inCatalog(store, day, name)) {
                        catalogSeconds = now;
                    }
                    if (warehouseSeconds < 0 && inWarehouse(services, i, name)) {
                        warehouseSeconds = now;
                    }
                    Thread.sleep(20);
                }
                measured.add(new Event(i, column, catalogSeconds, warehouseSeconds));
                System.out.printf(
                        Locale.ROOT,
                        "  file %2d%s: catalog %.2f s, warehouse %.2f s%n",
                        i,
                        column ? " (new column " + name + ")" : "",
                        catalogSeconds,
                        warehouseSeconds);
            }
            return measured;
        } finally {
            stop.set(true);
            watched.get(2, TimeUnit.MINUTES);
        }
    }

    private static LocalDate day(int i) {
        return LocalDate.of(2026, 1, 1).plusDays(i);
    }

    /** File {@code i}: rows {@code i * 100 ..}, in partition dt=day(i), with column c{i} or not. */
    private static void put(S3Client client, int i, boolean column) {
        StringBuilder lines = new StringBuilder();
        for (int r = 0; r < ROWS_PER_FILE; r++) {
            long id = i * 100L + r;
            lines.append("{\"id\":")
                    .append(id)
                    .append(",\"v\":")
                    .append(r)
                    .append(",\"ts\":\"2026-01-01 00:00:00\"");
            if (column) {
                lines.append(",\"c").append(i).append("\":").append(r + 1);
            }
            lines.append("}\n");
        }
        client.putObject(
                b -> b.bucket(BUCKET).key(TABLE + "/dt=" + day(i) + "/part-" + i + ".json"),
                RequestBody.fromString(lines.toString()));
    }

    /** Whether the catalog has partition {@code day}, and column {@code column} when not null. */
    private static boolean inCatalog(CatalogStore store, String day, String column) {
        boolean partition =
                store.partitions(DATABASE, TABLE).stream()
                        .anyMatch(p -> p.values().equals(List.of(day)));
        if (!partition || column == null) {
            return partition;
        }
        CatalogTable t = store.table(DATABASE, TABLE).orElseThrow();
        return t.columns().stream().anyMatch(c -> c.name().equals(column));
    }

    /** Whether file {@code i}'s first row is in the warehouse, with its {@code column} value. */
    private static boolean inWarehouse(EmbeddedServices services, int i, String column) {
        try (Connection c = services.postgres().connect("latency_wh");
                Statement s = c.createStatement()) {
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT count(*) FROM information_schema.columns WHERE table_schema ="
                                    + " 'bench' AND table_name = 'events'"
                                    + (column == null
                                            ? ""
                                            : " AND column_name = '" + column + "'"))) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return false;
                }
            }
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT count(*) FROM bench.events WHERE id = "
                                    + (i * 100L)
                                    + (column == null ? "" : " AND \"" + column + "\" = 1"))) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    private static boolean report(
            List<Event> measured,
            List<Double> passSeconds,
            int events,
            String checkpoint,
            boolean quick,
            Path out)
            throws Exception {
        double checkpointSeconds =
                org.apache.flink.util.TimeUtils.parseDuration(checkpoint).toMillis() / 1000.0;
        double pass = Bench.median(passSeconds.stream().mapToDouble(Double::doubleValue));
        List<Double> catalogPartition = pick(measured, false, true);
        List<Double> catalogColumn = pick(measured, true, true);
        List<Double> warehousePartition = pick(measured, false, false);
        List<Double> warehouseColumn = pick(measured, true, false);
        List<Double> catalogAll = new ArrayList<>(catalogPartition);
        catalogAll.addAll(catalogColumn);
        double glueHalf = 150; // Glue's shortest schedule (5 min): half of it on average
        StringBuilder table = new StringBuilder();
        table.append(
                "| file lands → | files | p50 s | p95 s | max s | goal | reference s | p95 x"
                        + " reference | Glue, 5-min schedule (avg / worst) |\n");
        table.append("|---|---:|---:|---:|---:|---|---:|---:|---|\n");
        row(table, "partition in the catalog", catalogPartition, "p95 ≤ 5 s", pass, glueHalf);
        row(table, "column in the catalog", catalogColumn, "p95 ≤ 5 s", pass, glueHalf);
        row(
                table,
                "first row in the warehouse (new partition)",
                warehousePartition,
                String.format(
                        Locale.ROOT, "p95 ≤ %.0f s (checkpoint + 5 s)", checkpointSeconds + 5),
                checkpointSeconds,
                glueHalf);
        row(
                table,
                "first row with its column in the warehouse (job planned again)",
                warehouseColumn,
                String.format(
                        Locale.ROOT, "p95 ≤ %.0f s (checkpoint + 5 s)", checkpointSeconds + 5),
                checkpointSeconds,
                glueHalf);
        table.append(
                String.format(
                        Locale.ROOT,
                        "%nReference: for the catalog, one crawler pass's own duration (the floor of"
                                + " a crawler that ran the moment a file landed); for the"
                                + " warehouse, the checkpoint interval (rows are committed on"
                                + " checkpoints). Glue: a crawler on its shortest schedule, not"
                                + " measured (out of reach).%n"));
        System.out.println();
        System.out.println(table);
        double catalogP95 = percentile(catalogAll, 95);
        double warehouseP95 = percentile(warehousePartition, 95);
        double columnP95 = percentile(warehouseColumn, 95);
        boolean catalogGoal = catalogP95 <= 5;
        boolean warehouseGoal = warehouseP95 <= checkpointSeconds + 5;
        boolean columnGoal = columnP95 <= checkpointSeconds + 5;
        System.out.printf(
                Locale.ROOT,
                "catalog p95 %.2f s (goal 5 s): %s; warehouse p95 %.2f s (goal %.0f s): %s;"
                        + " with a new column %.2f s: %s; a crawler pass takes %.3f s (median of"
                        + " %d)%n",
                catalogP95,
                catalogGoal ? "met" : "MISSED",
                warehouseP95,
                checkpointSeconds + 5,
                warehouseGoal ? "met" : "MISSED",
                columnP95,
                columnGoal ? "met" : "MISSED",
                pass,
                passSeconds.size());
        if (!quick) {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode doc = Bench.resultDoc("crawl-latency");
            doc.put("files", events);
            doc.put("checkpoint-seconds", checkpointSeconds);
            doc.put("crawler-interval-seconds", CrawlerDefinition.CONTINUOUS.toSeconds());
            doc.put("crawler-pass-median-seconds", pass);
            ArrayNode all = doc.putArray("events");
            for (Event e : measured) {
                all.addObject()
                        .put("file", e.index())
                        .put("new-column", e.column())
                        .put("catalog-seconds", e.catalogSeconds())
                        .put("warehouse-seconds", e.warehouseSeconds());
            }
            Bench.append(
                    out,
                    "crawl-latency",
                    json.writeValueAsString(doc),
                    String.format(
                            Locale.ROOT,
                            "%n## crawl-latency, %s%n%nCommand: `bench/run.sh crawl-latency"
                                    + " --events %d --checkpoint '%s'`; commit %s; %s; files of"
                                    + " %d JSON rows on the embedded S3 server, each in a new"
                                    + " partition, every fourth with a new column, %s apart at"
                                    + " random phase; continuous crawler every %d s;"
                                    + " `type: catalog` source listing every 1 s; bench JVM"
                                    + " -Xmx1g. The catalog is read from its store, as `tributary"
                                    + " catalog describe` reads it.%n%n%s%n%s%n",
                            Instant.now().toString().substring(0, 16).replace('T', ' '),
                            events,
                            checkpoint,
                            Bench.gitCommit(),
                            Bench.machine(),
                            ROWS_PER_FILE,
                            "0-" + CrawlerDefinition.CONTINUOUS.toSeconds() + " s",
                            CrawlerDefinition.CONTINUOUS.toSeconds(),
                            table,
                            String.format(
                                    Locale.ROOT,
                                    "Catalog p95 %.2f s (goal 5 s, %s); warehouse p95 %.2f s"
                                            + " (goal %.0f s, %s); with a new column %.2f s"
                                            + " (%s). A crawler pass takes %.3f s (median of"
                                            + " %d passes).",
                                    catalogP95,
                                    catalogGoal ? "met" : "missed",
                                    warehouseP95,
                                    checkpointSeconds + 5,
                                    warehouseGoal ? "met" : "missed",
                                    columnP95,
                                    columnGoal ? "met" : "missed",
                                    pass,
                                    passSeconds.size())));
        }
        // every file was seen in both places (else measure() threw); the goals are reported
        return true;
    }

    private static List<Double> pick(List<Event> events, boolean column, boolean catalog) {
        return events.stream()
                .filter(e -> e.column() == column)
                .map(e -> catalog ? e.catalogSeconds() : e.warehouseSeconds())
                .toList();
    }

    private static void row(
            StringBuilder table,
            String what,
            List<Double> xs,
            String goal,
            double floor,
            double glueHalf) {
        double p95 = percentile(xs, 95);
        table.append(
                String.format(
                        Locale.ROOT,
                        "| %s | %d | %.2f | %.2f | %.2f | %s | %.2f | %.1f | %.0f s / %.0f s |%n",
                        what,
                        xs.size(),
                        percentile(xs, 50),
                        p95,
                        xs.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                        goal,
                        floor,
                        floor > 0 ? p95 / floor : 0,
                        glueHalf,
                        glueHalf * 2));
    }

    /** The nearest-rank percentile of {@code xs}; 0 when empty. */
    static double percentile(List<Double> xs, int p) {
        if (xs.isEmpty()) {
            return 0;
        }
        List<Double> sorted = xs.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static void await(BooleanSupplier done, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
