package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.embedded.EmbeddedServices;
import io.tributary.embedded.EmbeddedServices.Kind;
import io.tributary.embedded.PostgresService;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.definition.Variables;
import io.tributary.jobs.runs.PipelineRunner;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.TableEnvironment;
import org.postgresql.PGConnection;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The pipeline scenario: the reference pipeline (examples/ecommerce, as shipped) on a bigger sample
 * — sales JSON files on S3 joined with MariaDB customers read by CDC, into the warehouse — against
 * what a user would write instead (the same join in Flink SQL: {@code filesystem} JSON source,
 * {@code mysql-cdc}, {@code flink-connector-jdbc} upsert sink) and against the floor of the
 * warehouse side ({@code COPY FROM STDIN} of the already-joined rows). Figures: seconds until every
 * order is in the warehouse enriched (rows/s), and freshness of a change: from renaming customers
 * in MariaDB to every one of their orders showing the new name.
 */
final class PipelineBenchmark {

    static final String LIMIT = "COPY FROM STDIN of the joined rows (limit)";
    static final String TRIBUTARY = "tributary run (reference pipeline, exactly-once)";
    static final String HAND = "Flink SQL: filesystem + mysql-cdc -> jdbc upsert (at-least-once)";
    static final String CLUSTER_P1 =
            "tributary run at parallelism 1, standalone cluster of 2 TaskManagers";
    static final String CLUSTER_P2 =
            "tributary run at parallelism 2, standalone cluster of 2 TaskManagers";
    static final String PLAIN = "tributary run, quality-pipeline.yaml without quality and pii";
    static final String WAREHOUSE_FULL =
            "tributary run, reference pipeline without the lake sink (join-state: full)";
    static final String WAREHOUSE_DIMENSION =
            "tributary run, reference pipeline without the lake sink, join-state: dimension";
    static final String GUARDED =
            "tributary run, quality-pipeline.yaml: 10 DQDL rules, 2 pii actions, gate: record";
    static final String RULES_ONLY =
            "tributary run, quality-pipeline.yaml: the 10 DQDL rules (gate: record), no pii";
    static final String PII_ONLY =
            "tributary run, quality-pipeline.yaml: the 2 pii actions, no rules";
    static final String GATED =
            "tributary run, quality-pipeline.yaml: 10 DQDL rules, 2 pii actions, gate: hold";
    private static final String BUCKET = "bench-pipeline";
    private static final String SHOP = "bench_shop";
    private static final String[] PRODUCTS = {"espresso-machine", "grinder", "kettle", "mug"};

    /** One contender's run. */
    record Run(
            String contender,
            long rows,
            double seconds,
            double renameSeconds,
            long renamedOrders,
            boolean verified,
            double cpuSeconds,
            double processedSeconds,
            double busySeconds,
            double jvmCpuSeconds,
            double joinCpuSeconds) {
        /** The same figures, marked as not verified (a sink's rows were wrong). */
        Run unverified() {
            return new Run(
                    contender,
                    rows,
                    seconds,
                    renameSeconds,
                    renamedOrders,
                    false,
                    cpuSeconds,
                    processedSeconds,
                    busySeconds,
                    jvmCpuSeconds,
                    joinCpuSeconds);
        }

        Run(
                String contender,
                long rows,
                double seconds,
                double renameSeconds,
                long renamedOrders,
                boolean verified) {
            this(
                    contender,
                    rows,
                    seconds,
                    renameSeconds,
                    renamedOrders,
                    verified,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN);
        }

        double rowsPerSecond() {
            return rows / seconds;
        }

        /**
         * The rate at which the job's join took in every order (and the customers): what the
         * pipeline processes, apart from when its last checkpoint lands it (a run's end moves in
         * steps of the checkpoint interval); NaN where not measured.
         */
        double processedRowsPerSecond() {
            return rows / processedSeconds;
        }

        /**
         * The CPU time of the join's task thread (the join and what is chained to it: a ruleset's
         * operators) per row, until it had taken in every row, in microseconds: where a ruleset's
         * per-record work runs, measured apart from the other tasks, the databases and what waits
         * for a core; NaN where the job runs in other JVMs.
         */
        double joinCpuMicrosPerRow() {
            return joinCpuSeconds * 1e6 / rows;
        }

        /** The machine's CPU time per row while loading, in microseconds. */
        double cpuMicrosPerRow() {
            return cpuSeconds * 1e6 / rows;
        }

        /**
         * The machine's CPU time per row outside the bench JVM (the databases: PostgreSQL's COPY
         * and MERGE, MariaDB), in microseconds.
         */
        double outsideMicrosPerRow() {
            return (cpuSeconds - jvmCpuSeconds) * 1e6 / rows;
        }
    }

    private final EmbeddedServices services;
    private final Path home;
    private final long rows;
    private final int files;
    private final int customers;
    private final String checkpoint;
    private final int renamed;
    private long renamedOrders;
    private int round;
    private List<String> contenders = List.of(LIMIT, TRIBUTARY, HAND);

    /** Where the pipelines run: the embedded MiniCluster unless a standalone cluster is set. */
    private String restAddress;

    private List<java.net.URI> jars = List.of();

    /** Per cluster run: its state when the last order landed (a markdown table's rows). */
    private final List<String> clusterState = new ArrayList<>();

    /**
     * What the cluster's REST API says once every order landed: the latest completed checkpoint's
     * size (full, and what it wrote itself) and each TaskManager's heap in use, in MB, as {@code
     * checkpoint MB | written MB | heap MB per TaskManager}; a dash for what it does not say.
     */
    private String clusterState(String jobId) {
        java.util.function.Function<String, com.fasterxml.jackson.databind.JsonNode> get =
                this::restGet;
        com.fasterxml.jackson.databind.JsonNode completed =
                get.apply("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
        String full = mb(completed.path("state_size"));
        String written = mb(completed.path("checkpointed_size"));
        List<String> heaps = new ArrayList<>();
        List<String> gc = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode tm :
                get.apply("/taskmanagers").path("taskmanagers")) {
            String id = tm.path("id").asText();
            com.fasterxml.jackson.databind.JsonNode m =
                    get.apply("/taskmanagers/" + id + "/metrics?get=Status.JVM.Memory.Heap.Used");
            heaps.add(m.isArray() && m.size() > 0 ? mb(m.get(0).path("value")) : "-");
            Long before = gcAtStart.get(id);
            long now = gcMillis(id);
            gc.add(
                    before == null || before < 0 || now < 0
                            ? "-"
                            : String.format(Locale.ROOT, "%.1f", (now - before) / 1e3));
        }
        return full
                + " | "
                + written
                + " | "
                + String.join(" / ", heaps)
                + " | "
                + String.join(" / ", gc);
    }

    /** Per TaskManager, its garbage collectors' time so far when the current run started. */
    private final Map<String, Long> gcAtStart = new java.util.HashMap<>();

    /**
     * Notes every TaskManager's collectors' time so far: what {@link #clusterState} subtracts. The
     * REST API fetches a TaskManager's metrics when first asked and answers with none until then,
     * so an unanswered TaskManager is asked again for up to 3 s (the fetcher's interval is 1 s).
     */
    private void noteGcAtStart() throws InterruptedException {
        gcAtStart.clear();
        for (com.fasterxml.jackson.databind.JsonNode tm :
                restGet("/taskmanagers").path("taskmanagers")) {
            String id = tm.path("id").asText();
            long gc = gcMillis(id);
            for (int tries = 0; gc < 0 && tries < 6; tries++) {
                Thread.sleep(500);
                gc = gcMillis(id);
            }
            gcAtStart.put(id, gc);
        }
    }

    /**
     * The milliseconds a TaskManager's JVM spent collecting garbage since it started, every
     * collector's {@code Status.JVM.GarbageCollector.<name>.Time} summed (but "All", which sums
     * them already); -1 when the REST API does not say.
     */
    private long gcMillis(String taskManager) {
        String base = "/taskmanagers/" + taskManager + "/metrics";
        List<String> names = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode m : restGet(base)) {
            String name = m.path("id").asText();
            if (name.startsWith("Status.JVM.GarbageCollector.")
                    && name.endsWith(".Time")
                    && !name.equals("Status.JVM.GarbageCollector.All.Time")) {
                names.add(name);
            }
        }
        if (names.isEmpty()) {
            return -1;
        }
        long total = 0;
        for (com.fasterxml.jackson.databind.JsonNode m :
                restGet(base + "?get=" + String.join(",", names))) {
            total += m.path("value").asLong();
        }
        return total;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper REST_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private static final java.net.http.HttpClient REST_HTTP =
            java.net.http.HttpClient.newHttpClient();

    /** Where the pipelines run: the standalone cluster's REST address, else the MiniCluster's. */
    private String restAddress() {
        return restAddress != null ? restAddress : "127.0.0.1:" + services.flink().restPort();
    }

    /** GET {@code path} of the cluster's REST API as JSON; a missing node when it cannot say. */
    private com.fasterxml.jackson.databind.JsonNode restGet(String path) {
        try {
            return REST_JSON.readTree(
                    REST_HTTP
                            .send(
                                    java.net.http.HttpRequest.newBuilder(
                                                    java.net.URI.create(
                                                            "http://" + restAddress() + path))
                                            .build(),
                                    java.net.http.HttpResponse.BodyHandlers.ofString())
                            .body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        } catch (Exception e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    private static String mb(com.fasterxml.jackson.databind.JsonNode bytes) {
        return bytes.isMissingNode() || bytes.isNull() || bytes.asText().isEmpty()
                ? "-"
                : String.format(Locale.ROOT, "%,.0f", Double.parseDouble(bytes.asText()) / 1e6);
    }

    private PipelineBenchmark(
            EmbeddedServices services,
            Path home,
            long rows,
            int files,
            int customers,
            String checkpoint) {
        this.services = services;
        this.home = home;
        this.rows = rows;
        this.files = files;
        this.customers = customers;
        this.checkpoint = checkpoint;
        this.renamed = Math.max(1, customers / 100);
    }

    /**
     * Which contenders a run compares beside the COPY floor: the reference pipeline, Tributary's
     * and hand-written ({@code PIPELINE}); the guarded reference pipeline with and without its
     * ruleset and pii actions, gated or recording ({@code QUALITY}); or the ruleset's cost in its
     * parts, the rules without the pii actions and the pii actions without the rules, beside the
     * plain and the guarded pipeline ({@code QUALITY_SPLIT}); the reference pipeline's join as
     * Flink's join and as the dimension join, both without the lake sink ({@code JOIN}); the
     * dimension join alone, without the lake ({@code JOIN_DIMENSION}); the reference pipeline as
     * shipped (dimension join, warehouse and lake) alone, for sizes the hand-written contender
     * would take too long at ({@code SHIPPED}).
     */
    enum Contenders {
        PIPELINE,
        QUALITY,
        QUALITY_SPLIT,
        JOIN,
        JOIN_DIMENSION,
        SHIPPED
    }

    /** A quick run of {@code set} (20k orders in 4 files, 500 customers, 1 s checkpoints). */
    static boolean quick(Contenders set, Path out) throws Exception {
        return run(20_000, 4, 500, 1, "1 s", true, out, set);
    }

    static boolean run(
            long rows,
            int files,
            int customers,
            int rounds,
            String checkpoint,
            boolean quick,
            Path out,
            Contenders set)
            throws Exception {
        boolean quality = set == Contenders.QUALITY || set == Contenders.QUALITY_SPLIT;
        String scenario = quality ? "quality" : "pipeline";
        List<String> contenders =
                switch (set) {
                    case PIPELINE -> List.of(LIMIT, TRIBUTARY, HAND);
                    case QUALITY -> List.of(LIMIT, PLAIN, GATED, GUARDED);
                    case QUALITY_SPLIT -> List.of(LIMIT, PLAIN, RULES_ONLY, PII_ONLY, GUARDED);
                    case JOIN -> List.of(LIMIT, WAREHOUSE_FULL, WAREHOUSE_DIMENSION);
                    case JOIN_DIMENSION -> List.of(LIMIT, WAREHOUSE_DIMENSION);
                    case SHIPPED -> List.of(LIMIT, TRIBUTARY);
                };
        System.out.printf(
                scenario
                        + ": %,d sales rows in %d JSON files on S3 JOIN %,d MariaDB customers (CDC)"
                        + " -> PostgreSQL, checkpoints every %s, %d round(s)%n",
                rows,
                files,
                customers,
                checkpoint,
                rounds);
        Path work = Files.createTempDirectory("tributary-bench-pipeline-");
        List<Run> runs = new ArrayList<>();
        try (EmbeddedServices services =
                EmbeddedServices.builder(work.resolve("services"))
                        .with(Kind.POSTGRES, Kind.MARIADB, Kind.S3, Kind.FLINK)
                        .flinkSlots(4)
                        .start()) {
            PipelineBenchmark b =
                    new PipelineBenchmark(
                            services, work.resolve("home"), rows, files, customers, checkpoint);
            b.contenders = contenders;
            b.generate();
            runs.addAll(
                    b.rounds(
                            rounds,
                            c ->
                                    switch (c) {
                                        case LIMIT -> b.copyLimit();
                                        case TRIBUTARY -> b.tributary(TRIBUTARY, null);
                                        case PLAIN -> b.tributary(PLAIN, qualityPipeline(false));
                                        case GUARDED ->
                                                b.tributary(GUARDED, qualityPipeline(true, false));
                                        case GATED ->
                                                b.tributary(GATED, qualityPipeline(true, true));
                                        case RULES_ONLY -> b.tributary(RULES_ONLY, withoutPii());
                                        case PII_ONLY -> b.tributary(PII_ONLY, withoutRules());
                                        case WAREHOUSE_FULL ->
                                                b.tributary(WAREHOUSE_FULL, warehouseOnly(false));
                                        case WAREHOUSE_DIMENSION ->
                                                b.tributary(
                                                        WAREHOUSE_DIMENSION, warehouseOnly(true));
                                        default -> b.handWritten();
                                    }));
        } finally {
            Bench.deleteTree(work);
        }
        String table = table(runs, contenders);
        if (quality) {
            table += cost(runs);
        }
        System.out.println();
        System.out.println(table);
        boolean ok = complete(runs);
        if (!quick) {
            ObjectNode doc = resultDoc(scenario, rows, files, customers, checkpoint, runs);
            Bench.append(
                    out,
                    scenario,
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(doc),
                    String.format(
                            Locale.ROOT,
                            "%n## "
                                    + scenario
                                    + ", %s%n%nCommand: `bench/run.sh "
                                    + scenario
                                    + " --rows %d --files"
                                    + " %d --customers %d --rounds %d --checkpoint '%s'%s`; commit"
                                    + " %s; %s; parallelism 1 (the pipeline's), bench JVM"
                                    + " heap %,d MB (the MiniCluster's, with the join's"
                                    + " state).%n%n%s",
                            Instant.now().toString().substring(0, 16).replace('T', ' '),
                            rows,
                            files,
                            customers,
                            rounds,
                            checkpoint,
                            switch (set) {
                                case QUALITY_SPLIT -> " --split";
                                case JOIN -> " --join";
                                case JOIN_DIMENSION -> " --join-dimension";
                                case SHIPPED -> " --shipped";
                                default -> "";
                            },
                            Bench.gitCommit(),
                            Bench.machine(),
                            Runtime.getRuntime().maxMemory() >> 20,
                            table));
        }
        return ok;
    }

    /**
     * examples/ecommerce/pipeline.yaml without its lake sink, its join kept whole or ({@code
     * dimension}) with {@code join-state: dimension}.
     */
    private static String warehouseOnly(boolean dimension) throws IOException {
        String text = Files.readString(examples().resolve("ecommerce/pipeline.yaml"));
        int lake = text.indexOf("\n  # The same rows as an Apache Iceberg table");
        String state = "    join-state: dimension\n";
        if (lake < 0 || !text.contains(state)) {
            throw new IllegalStateException("pipeline.yaml's lake sink or join-state moved");
        }
        text = text.substring(0, lake + 1);
        return dimension ? text : text.replace(state, "    join-state: full\n");
    }

    /** The repository's examples/, from tributary.root or the working directory up. */
    private static Path examples() {
        Path p = Path.of(System.getProperty("tributary.root", ".")).toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("examples"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no examples/ folder above the working directory");
        }
        return p.resolve("examples");
    }

    private long customerOf(long order) {
        return 1 + Math.floorMod(order * 7919L, customers);
    }

    private static BigDecimal priceOf(long order) {
        return BigDecimal.valueOf(199 + Math.floorMod(order * 31L, 20_000), 2);
    }

    private static int quantityOf(long order) {
        return 1 + (int) (order % 5);
    }

    private static LocalDateTime tsOf(long order) {
        return LocalDateTime.of(2026, 11, 24, 8, 0).plusNanos(order * 1_000_000L);
    }

    /** Sales files on S3 and the customers table; the count of orders the rename touches. */
    private void generate() throws Exception {
        long t0 = System.nanoTime();
        services.s3().createBucket(BUCKET);
        long perFile = (rows + files - 1) / files;
        try (S3Client s3 = services.s3().client()) {
            for (int f = 0; f < files; f++) {
                long from = f * perFile + 1;
                long to = Math.min(rows, from + perFile - 1);
                StringBuilder sb = new StringBuilder((int) ((to - from + 1) * 130));
                for (long o = from; o <= to; o++) {
                    sb.append("{\"order_id\":")
                            .append(o)
                            .append(",\"customer_id\":")
                            .append(customerOf(o))
                            .append(",\"product\":\"")
                            .append(PRODUCTS[(int) (o % PRODUCTS.length)])
                            .append("\",\"quantity\":")
                            .append(quantityOf(o))
                            .append(",\"unit_price\":")
                            .append(priceOf(o).toPlainString())
                            .append(",\"ts\":\"")
                            .append(tsOf(o))
                            .append("\"}\n");
                }
                String key = String.format(Locale.ROOT, "sales/dt=2026-11-24/part-%05d.json", f);
                s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(sb.toString()));
            }
        }
        services.mariadb().createDatabase(SHOP);
        try (Connection c = services.mariadb().connect(SHOP);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS customers");
            s.execute(
                    "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, email"
                            + " VARCHAR(200) NOT NULL, country CHAR(2) NOT NULL)");
            s.execute(
                    "INSERT INTO customers SELECT seq, CONCAT('Customer ', seq),"
                            + " CONCAT('c', seq, '@example.com'), 'DE' FROM seq_1_to_"
                            + customers);
        }
        for (long o = 1; o <= rows; o++) {
            if (customerOf(o) <= renamed) {
                renamedOrders++;
            }
        }
        System.out.printf(
                "  data ready in %.1f s; the rename touches %d customers, %,d orders%n",
                (System.nanoTime() - t0) / 1e9, renamed, renamedOrders);
    }

    /**
     * The scale scenario's scale-out part: the reference pipeline
     * (examples/ecommerce/pipeline.yaml, as shipped but for {@code parallelism}) submitted with the
     * job jar to a standalone session cluster of two TaskManagers, each its own JVM with one slot
     * and {@code taskHeapMb} of task heap, at parallelism 1 (one TaskManager works) and 2 (one
     * subtask of every operator in each), beside the COPY floor of the joined rows, in alternating
     * order for {@code rounds} rounds. The machine's CPU per row counts the cluster's JVMs as
     * outside the bench JVM.
     */
    static boolean cluster(
            long rows,
            int files,
            int customers,
            int rounds,
            String checkpoint,
            int taskHeapMb,
            boolean quick,
            Path out)
            throws Exception {
        List<String> contenders = List.of(LIMIT, CLUSTER_P1, CLUSTER_P2);
        System.out.printf(
                "scale (standalone cluster): %,d sales rows in %d JSON files on S3 JOIN %,d MariaDB"
                        + " customers (CDC) -> PostgreSQL and the lake, checkpoints every %s, 2"
                        + " TaskManagers of %d MB task heap, %d round(s)%n",
                rows, files, customers, checkpoint, taskHeapMb, rounds);
        java.net.URI jar = io.tributary.embedded.StandaloneFlinkCluster.jobJar().toUri();
        Path work = Files.createTempDirectory("tributary-bench-cluster-");
        List<Run> runs = new ArrayList<>();
        List<String> states = List.of();
        try (EmbeddedServices services =
                        EmbeddedServices.builder(work.resolve("services"))
                                .with(Kind.POSTGRES, Kind.MARIADB, Kind.S3)
                                .start();
                io.tributary.embedded.StandaloneFlinkCluster cluster =
                        io.tributary.embedded.StandaloneFlinkCluster.start(
                                work.resolve("cluster"), 2, 1, taskHeapMb)) {
            PipelineBenchmark b =
                    new PipelineBenchmark(
                            services, work.resolve("home"), rows, files, customers, checkpoint);
            b.contenders = contenders;
            b.restAddress = cluster.restAddress();
            b.jars = List.of(jar);
            b.generate();
            states = b.clusterState;
            try {
                runs.addAll(
                        b.rounds(
                                rounds,
                                c -> c.equals(LIMIT) ? b.copyLimit() : b.tributary(c, null)));
            } catch (Exception | Error e) {
                System.out.println(cluster.logs());
                throw e;
            }
        } finally {
            Bench.deleteTree(work);
        }
        String table = table(runs, contenders);
        String state =
                "\nState once every order landed (the cluster's REST API; heap in use per"
                        + " TaskManager, after whatever GC last ran; each TaskManager's seconds"
                        + " of garbage collection during the run):\n\n"
                        + "| contender | round | last checkpoint MB | of it written MB |"
                        + " heap MB per TaskManager | GC s per TaskManager |\n"
                        + "|---|---:|---:|---:|---|---|\n"
                        + String.join("", states);
        double p1 = Bench.median(secondsStream(runs, CLUSTER_P1));
        double p2 = Bench.median(secondsStream(runs, CLUSTER_P2));
        String scaling =
                String.format(
                        Locale.ROOT,
                        "%nParallelism 2 / 1 on the same cluster: %.2fx the throughput (medians of"
                                + " %d rounds); on %d cores.%n",
                        p1 / p2,
                        rounds,
                        Runtime.getRuntime().availableProcessors());
        System.out.println();
        System.out.println(table + scaling + state);
        boolean ok = complete(runs);
        if (!quick) {
            ObjectNode doc = resultDoc("scale-cluster", rows, files, customers, checkpoint, runs);
            doc.put("task-heap-mb", taskHeapMb);
            Bench.append(
                    out,
                    "scale-cluster",
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(doc),
                    String.format(
                            Locale.ROOT,
                            "%n## scale (standalone cluster), %s%n%nCommand: `bench/run.sh"
                                    + " scale-cluster --rows %d --files %d --customers %d --rounds"
                                    + " %d --checkpoint '%s'`; commit %s; %s; a JobManager and 2"
                                    + " TaskManagers (1 slot, %d MB task heap each), each its own"
                                    + " JVM; CPU outside the JVM includes the cluster's.%n%n%s%s%n",
                            Instant.now().toString().substring(0, 16).replace('T', ' '),
                            rows,
                            files,
                            customers,
                            rounds,
                            checkpoint,
                            Bench.gitCommit(),
                            Bench.machine(),
                            taskHeapMb,
                            table,
                            scaling + state));
        }
        return ok;
    }

    /** A scenario's result document: its settings and every run. */
    private static ObjectNode resultDoc(
            String scenario,
            long rows,
            int files,
            int customers,
            String checkpoint,
            List<Run> runs) {
        ObjectNode doc = Bench.resultDoc(scenario);
        doc.put("rows", rows);
        doc.put("files", files);
        doc.put("customers", customers);
        doc.put("checkpoint-interval", checkpoint);
        ArrayNode arr = doc.putArray("runs");
        for (Run r : runs) {
            ObjectNode n = arr.addObject();
            n.put("contender", r.contender());
            n.put("seconds", r.seconds());
            n.put("rows-per-second", r.rowsPerSecond());
            n.put("rename-seconds", r.renameSeconds());
            n.put("renamed-orders", r.renamedOrders());
            n.put("verified", r.verified());
            if (!Double.isNaN(r.cpuSeconds())) {
                n.put("cpu-seconds", r.cpuSeconds());
            }
            if (!Double.isNaN(r.jvmCpuSeconds())) {
                n.put("bench-jvm-cpu-seconds", r.jvmCpuSeconds());
            }
            if (!Double.isNaN(r.processedSeconds())) {
                n.put("seconds-to-process", r.processedSeconds());
                n.put("rows-per-second-processed", r.processedRowsPerSecond());
            }
            if (!Double.isNaN(r.busySeconds())) {
                n.put("seconds-join-first-to-last-record", r.busySeconds());
            }
            if (!Double.isNaN(r.joinCpuSeconds())) {
                n.put("join-thread-cpu-seconds", r.joinCpuSeconds());
            }
        }
        return doc;
    }

    /**
     * Whether every run loaded what it should and every pipeline's processing time was seen (a
     * table that cannot say it would compare the landed times alone).
     */
    private static boolean complete(List<Run> runs) {
        return runs.stream()
                .allMatch(
                        r ->
                                r.verified()
                                        && (r.contender().equals(LIMIT)
                                                || !Double.isNaN(r.processedSeconds())));
    }

    /** One contender's run in the current round. */
    private interface Contender {
        Run run(String contender) throws Exception;
    }

    /**
     * Every contender {@code rounds} times, in alternating order: neither always runs on a warm
     * JVM.
     */
    private List<Run> rounds(int rounds, Contender one) throws Exception {
        List<Run> runs = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            round = r;
            List<String> order = new ArrayList<>(contenders);
            if (r % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (String c : order) {
                runs.add(one.run(c));
            }
        }
        return runs;
    }

    private static java.util.stream.DoubleStream secondsStream(List<Run> runs, String contender) {
        return runs.stream().filter(r -> r.contender().equals(contender)).mapToDouble(Run::seconds);
    }

    /** A fresh warehouse database for one run; the names start as generated. */
    private String freshWarehouse(String contender, boolean createTable) throws Exception {
        String db = "bench_pipe_" + contender + "_" + round;
        services.postgres().createDatabase(db);
        try (Connection c = services.postgres().connect(db);
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS analytics CASCADE");
            if (createTable) {
                s.execute("CREATE SCHEMA analytics");
                s.execute(
                        "CREATE TABLE analytics.sales_enriched (order_id bigint PRIMARY KEY,"
                                + " customer_id int, customer_name text, country text, product"
                                + " text, quantity int, unit_price numeric(10,2), amount"
                                + " numeric(12,2), ordered_at timestamp(3), dt date)");
            }
        }
        try (Connection c = services.mariadb().connect(SHOP);
                Statement s = c.createStatement()) {
            s.execute("UPDATE customers SET name = CONCAT('Customer ', id) WHERE id <= " + renamed);
        }
        return db;
    }

    /**
     * Waits ten times as long as the last count took (at least 100 ms, at most {@code capMillis}):
     * the polling costs the database at most a tenth of a core, and the end of a load is seen
     * within {@code capMillis}.
     */
    private static void pauseAfterCount(long countNanos, long capMillis)
            throws InterruptedException {
        Thread.sleep(Math.max(100, Math.min(capMillis, countNanos * 10 / 1_000_000)));
    }

    private long count(String db, String where) throws Exception {
        try (Connection c = services.postgres().connect(db);
                Statement s = c.createStatement()) {
            ResultSet exists = s.executeQuery("SELECT to_regclass('analytics.sales_enriched')");
            exists.next();
            if (exists.getString(1) == null) {
                return 0;
            }
            // one backend only: with parallel workers a count takes more CPU than its wall time
            // says, and the pacing below (by wall time) would let it take more than a tenth of a
            // core from the contender it measures
            s.execute("SET max_parallel_workers_per_gather = 0");
            try (ResultSet rs =
                    s.executeQuery("SELECT count(*) FROM analytics.sales_enriched " + where)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Loads everything, then renames customers and waits for their orders: the two figures. */
    /**
     * When the job's join has taken in {@code expected} records (every order and every customer),
     * read from the cluster's REST API every 250 ms (its metrics are at most a second old): the
     * time the pipeline needed to process the load, which the time to land it rounds up to the
     * checkpoint that commits its last rows.
     */
    private final class Processed extends Thread {
        private final String jobId;
        private final long expected;
        private final long t0;
        private volatile long at;
        private volatile long first;
        private volatile boolean stopped;
        private volatile double joinCpu = Double.NaN;

        /** Join task threads of earlier jobs, alive when this one was submitted: not its own. */
        private final java.util.Set<Long> earlier;

        Processed(String jobId, long expected, long t0, java.util.Set<Long> earlier) {
            super("bench-processed");
            this.earlier = earlier;
            setDaemon(true);
            this.jobId = jobId;
            this.expected = expected;
            this.t0 = t0;
        }

        @Override
        public void run() {
            // the job not yet known to the REST API reads as no vertices: asked again
            while (!stopped && at == 0 && !isInterrupted()) {
                long read = 0;
                for (com.fasterxml.jackson.databind.JsonNode v :
                        restGet("/jobs/" + jobId).path("vertices")) {
                    if (isJoin(v.path("name").asText())) {
                        read += v.path("metrics").path("read-records").asLong();
                    }
                }
                if (read > 0 && first == 0) {
                    first = System.nanoTime();
                }
                if (read >= expected) {
                    at = System.nanoTime();
                    joinCpu = 0;
                    joinThreads()
                            .forEach(
                                    (id, cpu) -> {
                                        if (!earlier.contains(id)) {
                                            joinCpu += cpu;
                                        }
                                    });
                    if (joinCpu == 0) {
                        joinCpu = Double.NaN; // the job's threads are in other JVMs
                    }
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /**
         * Seconds from the submission to the join's last record, at most the {@code landed} time's
         * (the metrics can be a second behind the rows that landed: waited for up to 5 s more); NaN
         * if it was not seen.
         */
        double seconds(long landed) throws InterruptedException {
            join(5_000);
            stopped = true;
            interrupt();
            join(5_000);
            return at == 0 ? Double.NaN : (Math.min(at, landed) - t0) / 1e9;
        }

        /**
         * The CPU seconds of this job's join task threads (in this JVM: the MiniCluster's) when the
         * join had taken in every row; NaN when not seen.
         */
        double joinCpuSeconds() {
            return joinCpu;
        }

        /**
         * Seconds from the join's first record to its last, as the metrics saw them (each end up to
         * a second late): the processing without the job's start (planning, deploying, the sources'
         * first listing and connection); NaN if either was not seen.
         */
        double busySeconds(long landed) {
            return at == 0 || first == 0 ? Double.NaN : (Math.min(at, landed) - first) / 1e9;
        }
    }

    /**
     * Whether a vertex or task thread runs a join: Flink's ({@code Join[...]}) or the dimension
     * join's operator ({@code dimension join: ...}).
     */
    private static boolean isJoin(String name) {
        return name.contains("Join[") || name.contains("dimension join");
    }

    /** The CPU seconds of each live thread of this JVM running a join's task, by thread id. */
    private static Map<Long, Double> joinThreads() {
        java.lang.management.ThreadMXBean threads =
                java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Double> out = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && isJoin(t.getThreadName())) {
                long nanos = threads.getThreadCpuTime(t.getThreadId());
                if (nanos >= 0) {
                    out.put(t.getThreadId(), nanos / 1e9);
                }
            }
        }
        return out;
    }

    /**
     * Runs what {@code started} submits (the job {@code jobId} names once it has) until every order
     * landed in {@code db}, then renames customers and waits for the rename to land.
     */
    private Run measure(
            String contender,
            String db,
            Runnable started,
            java.util.function.Supplier<String> jobId)
            throws Exception {
        long t0 = System.nanoTime();
        Instant start = Instant.now();
        double cpu0 = Bench.machineCpuSeconds();
        double jvm0 = Bench.jvmCpuSeconds();
        java.util.Set<Long> earlierJoins = joinThreads().keySet();
        started.run();
        Processed processed = new Processed(jobId.get(), rows + customers, t0, earlierJoins);
        processed.start();
        long lastSaid = 0;
        long landed;
        long counted = System.nanoTime();
        while ((landed = count(db, "")) < rows) {
            // a count(*) of a table of a million rows keeps a PostgreSQL backend busy for a tenth
            // of a second: polled every 100 ms it took half a core from the contender it measured
            long countNanos = System.nanoTime() - counted;
            if (System.nanoTime() - lastSaid > 5e9) {
                lastSaid = System.nanoTime();
                System.out.printf("    %s: %,d / %,d rows%n", contender, landed, rows);
            }
            pauseAfterCount(countNanos, 1000);
            counted = System.nanoTime();
        }
        long end = System.nanoTime();
        double seconds = (end - t0) / 1e9;
        double cpu = Bench.machineCpuSeconds() - cpu0;
        double jvm = Bench.jvmCpuSeconds() - jvm0;
        double processedSeconds = processed.seconds(end);
        double busySeconds = processed.busySeconds(end);
        long t1 = System.nanoTime();
        try (Connection c = services.mariadb().connect(SHOP);
                Statement s = c.createStatement()) {
            s.execute("UPDATE customers SET name = CONCAT('Renamed ', id) WHERE id <= " + renamed);
        }
        String renamedWhere =
                "WHERE customer_id <= " + renamed + " AND customer_name LIKE 'Renamed %'";
        long deadline = System.nanoTime() + 600_000_000_000L;
        long renameCounted = System.nanoTime();
        while (count(db, renamedWhere) < renamedOrders && System.nanoTime() < deadline) {
            pauseAfterCount(System.nanoTime() - renameCounted, 250);
            renameCounted = System.nanoTime();
        }
        double renameSeconds = (System.nanoTime() - t1) / 1e9;
        boolean ok =
                count(db, "") == rows
                        && count(db, renamedWhere) == renamedOrders
                        && count(db, "WHERE customer_name IS NULL") == 0;
        Run run =
                new Run(
                        contender,
                        rows,
                        seconds,
                        renameSeconds,
                        renamedOrders,
                        ok,
                        cpu,
                        processedSeconds,
                        busySeconds,
                        jvm,
                        processed.joinCpuSeconds());
        System.out.printf(
                "  %-66s %,10.0f rows/s %8.1f s  processed in %5.1f s (the join busy %5.1f s, its"
                        + " thread's cpu %4.1f µs/row)  cpu %5.1f µs/row (%4.1f"
                        + " outside the JVM)  rename visible in %5.1f s  %s (loaded %s to %s)%n",
                contender,
                run.rowsPerSecond(),
                seconds,
                processedSeconds,
                busySeconds,
                run.joinCpuMicrosPerRow(),
                run.cpuMicrosPerRow(),
                run.outsideMicrosPerRow(),
                renameSeconds,
                ok ? "verified" : "ROWS WRONG",
                start,
                start.plusNanos((long) (seconds * 1e9)));
        return run;
    }

    /**
     * examples/ecommerce/quality-pipeline.yaml, with one rule and one pii action more (10 rules, 9
     * on the enriched orders and 1 on the warehouse; 2 actions: the product masked, which the
     * figures do not read), its warehouse's gate holding windows back as shipped ({@code gated}) or
     * only recording their verdicts ({@code gate: record}); or without its quality and pii blocks:
     * the same job otherwise.
     */
    static String qualityPipeline(boolean guarded) throws java.io.IOException {
        return qualityPipeline(guarded, true);
    }

    static String qualityPipeline(boolean guarded, boolean gated) throws java.io.IOException {
        String text = Files.readString(examples().resolve("ecommerce/quality-pipeline.yaml"));
        int quality = text.indexOf("    quality:\n");
        int sinks = text.indexOf("\nsinks:");
        if (quality < 0 || sinks < 0) {
            throw new IllegalStateException("quality-pipeline.yaml has no quality block to edit");
        }
        if (!guarded) {
            // the transform's blocks, and the sink's (the last of the file: its gate)
            String rest = text.substring(sinks + 1);
            int gate = rest.indexOf("    quality:\n");
            return text.substring(0, quality) + (gate < 0 ? rest : rest.substring(0, gate));
        }
        if (!gated) {
            if (!text.contains("      gate: hold\n")) {
                throw new IllegalStateException("quality-pipeline.yaml's warehouse has no gate");
            }
            text = text.replace("      gate: hold\n", "      gate: record\n");
        }
        return text.replace(
                        "          Completeness \"customer_name\" > 0.99\n",
                        "          Completeness \"customer_name\" > 0.99,\n"
                                + "          ColumnLength \"country\" = 2\n")
                .replace(
                        "        customer_email: sha256\n",
                        "        customer_email: sha256\n"
                                + "        product: {action: partial-redact, keep: 3}\n");
    }

    /** The guarded pipeline ({@code gate: record}) without its pii block. */
    static String withoutPii() throws java.io.IOException {
        String text = qualityPipeline(true, false);
        int pii = text.indexOf("    pii:\n");
        int sinks = text.indexOf("\nsinks:");
        if (pii < 0 || sinks < pii) {
            throw new IllegalStateException("quality-pipeline.yaml has no pii block to remove");
        }
        return text.substring(0, pii) + text.substring(sinks);
    }

    /** The guarded pipeline's pii actions without any ruleset (the transform's or the sink's). */
    static String withoutRules() throws java.io.IOException {
        String text = qualityPipeline(true, false);
        int quality = text.indexOf("    quality:\n");
        int pii = text.indexOf("    pii:\n");
        int sinks = text.indexOf("\nsinks:");
        int gate = text.indexOf("    quality:\n", sinks);
        if (quality < 0 || pii < quality || sinks < pii || gate < 0) {
            throw new IllegalStateException(
                    "quality-pipeline.yaml has no quality blocks to remove");
        }
        return text.substring(0, quality) + text.substring(pii, gate);
    }

    private Run tributary(String contender, String text) throws Exception {
        String db =
                freshWarehouse(
                        switch (contender) {
                            case TRIBUTARY -> "tributary";
                            case PLAIN -> "plain";
                            case CLUSTER_P1 -> "p1";
                            case CLUSTER_P2 -> "p2";
                            case WAREHOUSE_FULL -> "wfull";
                            case WAREHOUSE_DIMENSION -> "wdim";
                            default -> "guarded";
                        },
                        false);
        Path dir = home.resolve("round-" + round);
        Map<String, Map<String, String>> endpoints = services.endpoints();
        Map<String, String> given = new HashMap<>();
        given.put("sales-path", "s3://" + BUCKET + "/sales/");
        given.put("shop-db", SHOP);
        given.put("warehouse-db", db);
        given.put("checkpoint-interval", checkpoint);
        given.put("warehouse-table", "analytics.sales_enriched");
        given.put("PII_SALT", "bench-salt");
        if (contender.equals(CLUSTER_P2)) {
            given.put("parallelism", "2");
        }
        Variables vars = Variables.of(given, endpoints);
        PipelineDef pipeline =
                text == null
                        ? new PipelineParser(vars)
                                .parse(examples().resolve("ecommerce/pipeline.yaml"))
                        : new PipelineParser(vars).parse("quality-pipeline.yaml", text);
        try (CatalogStore store = CatalogStores.embedded(dir.resolve("catalog"))) {
            PipelineRunner runner = new PipelineRunner(pipeline, dir, store, null);
            PipelineRunner.Submitted[] job = new PipelineRunner.Submitted[1];
            if (restAddress != null) {
                noteGcAtStart();
            }
            Run run =
                    measure(
                            contender,
                            db,
                            () -> job[0] = runner.submit(restAddress(), null, jars),
                            () -> job[0].client().getJobID().toHexString());
            if (restAddress != null) {
                clusterState.add(
                        String.format(
                                Locale.ROOT,
                                "| %s | %d | %s |%n",
                                contender,
                                round + 1,
                                clusterState(job[0].client().getJobID().toHexString())));
            }
            if (contender.equals(TRIBUTARY) && run.verified() && !lakeVerified(store)) {
                run = run.unverified();
            }
            Bench.cancelAndWait(job[0].client());
            return run;
        }
    }

    /**
     * Whether the reference pipeline's lake table (its second sink) holds what the warehouse does:
     * every order once, none without a customer's name, and the renamed customers' orders with the
     * new name (the lake's rewrite of a change). Read through Tributary's Iceberg catalog with the
     * deletes applied, after the timed load; waits up to two minutes for the lake's last commits.
     */
    private boolean lakeVerified(CatalogStore store) throws Exception {
        Map<String, String> props =
                new HashMap<>(
                        io.tributary.catalog.iceberg.IcebergStorage.s3(
                                services.s3().endpoint(),
                                io.tributary.embedded.S3Service.REGION,
                                true,
                                io.tributary.embedded.S3Service.ACCESS_KEY,
                                io.tributary.embedded.S3Service.SECRET_KEY));
        props.put("warehouse", "s3://tributary/lake");
        try (io.tributary.catalog.iceberg.TributaryIcebergCatalog catalog =
                new io.tributary.catalog.iceberg.TributaryIcebergCatalog(store)) {
            catalog.initialize("bench", props);
            org.apache.iceberg.Table table =
                    catalog.loadTable(
                            org.apache.iceberg.catalog.TableIdentifier.of(
                                    "analytics", "sales_enriched"));
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (true) {
                table.refresh();
                long all = 0;
                long renamedRows = 0;
                long unnamed = 0;
                try (org.apache.iceberg.io.CloseableIterable<org.apache.iceberg.data.Record> rs =
                        org.apache.iceberg.data.IcebergGenerics.read(table)
                                .select("customer_id", "customer_name")
                                .build()) {
                    for (org.apache.iceberg.data.Record r : rs) {
                        all++;
                        Object name = r.getField("customer_name");
                        if (name == null) {
                            unnamed++;
                        } else if ((Integer) r.getField("customer_id") <= renamed
                                && name.toString().startsWith("Renamed ")) {
                            renamedRows++;
                        }
                    }
                }
                boolean ok = all == rows && renamedRows == renamedOrders && unnamed == 0;
                if (ok || System.nanoTime() > deadline) {
                    System.out.printf(
                            "    the lake: %,d rows (%,d expected), %,d renamed (%,d expected),"
                                    + " %,d without a name: %s%n",
                            all,
                            rows,
                            renamedRows,
                            renamedOrders,
                            unnamed,
                            ok ? "verified" : "ROWS WRONG");
                    return ok;
                }
                Thread.sleep(2_000);
            }
        }
    }

    private Run handWritten() throws Exception {
        String db = freshWarehouse("flinksql", true);
        PostgresService pg = services.postgres();
        TableEnvironment env =
                services.flink()
                        .streamingTableEnvironment(
                                Map.of(
                                        "parallelism.default",
                                        "1",
                                        "execution.checkpointing.interval",
                                        checkpoint,
                                        // as on any real cluster: the join's state outgrows the
                                        // JobManager's 5 MB in-memory checkpoint storage
                                        "state.checkpoints.dir",
                                        home.resolve("flinksql-checkpoints-" + round)
                                                .toUri()
                                                .toString()));
        env.executeSql(
                "CREATE TABLE sales (order_id BIGINT, customer_id INT, product STRING, quantity"
                        + " INT, unit_price DECIMAL(10, 2), ts TIMESTAMP(3), dt STRING) PARTITIONED"
                        + " BY (dt) WITH ('connector' = 'filesystem', 'path' = 's3://"
                        + BUCKET
                        + "/sales/', 'format' = 'json', 'json.timestamp-format.standard' ="
                        + " 'ISO-8601', 'source.monitor-interval' = '2 s')");
        env.executeSql(
                "CREATE TABLE customers (id INT NOT NULL, name STRING, email STRING, country"
                        + " STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + CdcBenchmark.mysqlCdcOptions(services.mariadb(), SHOP, "customers")
                        + ")");
        env.executeSql(
                "CREATE TABLE wh (order_id BIGINT, customer_id INT, customer_name STRING, country"
                        + " STRING, product STRING, quantity INT, unit_price DECIMAL(10, 2), amount"
                        + " DECIMAL(12, 2), ordered_at TIMESTAMP(3), dt DATE, PRIMARY KEY"
                        + " (order_id) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = '"
                        + pg.jdbcUrl(db)
                        + "', 'table-name' = 'analytics.sales_enriched',"
                        + " 'sink.buffer-flush.max-rows' = '5000',"
                        + " 'sink.buffer-flush.interval' = '1 s')");
        JobClient[] job = new JobClient[1];
        Run run =
                measure(
                        HAND,
                        db,
                        () ->
                                job[0] =
                                        env.executeSql(
                                                        "INSERT INTO wh SELECT s.order_id,"
                                                                + " s.customer_id, c.name,"
                                                                + " c.country, s.product,"
                                                                + " s.quantity, s.unit_price,"
                                                                + " CAST(s.quantity *"
                                                                + " s.unit_price AS DECIMAL(12,"
                                                                + " 2)), s.ts, CAST(s.dt AS"
                                                                + " DATE) FROM sales AS s JOIN"
                                                                + " customers AS c ON"
                                                                + " s.customer_id = c.id")
                                                .getJobClient()
                                                .orElseThrow(),
                        () -> job[0].getJobID().toHexString());
        Bench.cancelAndWait(job[0]);
        return run;
    }

    /** The warehouse floor: the joined rows, computed here, through one COPY. */
    private Run copyLimit() throws Exception {
        String db = freshWarehouse("copy", true);
        long t0 = System.nanoTime();
        try (Connection c = services.postgres().connect(db)) {
            StringBuilder sb = new StringBuilder();
            long copied = 0;
            for (long o = 1; o <= rows; o++) {
                long cu = customerOf(o);
                BigDecimal price = priceOf(o);
                int q = quantityOf(o);
                sb.append(o)
                        .append(',')
                        .append(cu)
                        .append(",Customer ")
                        .append(cu)
                        .append(",DE,")
                        .append(PRODUCTS[(int) (o % PRODUCTS.length)])
                        .append(',')
                        .append(q)
                        .append(',')
                        .append(price.toPlainString())
                        .append(',')
                        .append(price.multiply(BigDecimal.valueOf(q)).toPlainString())
                        .append(',')
                        .append(tsOf(o))
                        .append(",2026-11-24\n");
                if (sb.length() > 8 << 20 || o == rows) {
                    copied +=
                            c.unwrap(PGConnection.class)
                                    .getCopyAPI()
                                    .copyIn(
                                            "COPY analytics.sales_enriched FROM STDIN (FORMAT csv)",
                                            new StringReader(sb.toString()));
                    sb.setLength(0);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            boolean ok = copied == rows;
            Run run = new Run(LIMIT, rows, seconds, Double.NaN, renamedOrders, ok);
            System.out.printf(
                    "  %-66s %,10.0f rows/s %8.1f s%n", LIMIT, run.rowsPerSecond(), seconds);
            return run;
        }
    }

    static String table(List<Run> runs) {
        return table(runs, List.of(LIMIT, TRIBUTARY, HAND));
    }

    /**
     * The ruleset's cost: the guarded pipeline's throughput over the plain one's, as the ratio of
     * their medians and as the median of each round's ratio (the contenders ran back to back in a
     * round, so a round's ratio leaves out what drifts between rounds: the JIT, the services'
     * caches); the goal (the rules and pii actions, their verdicts recorded) is met only when both
     * are. The gate that holds windows back is measured beside it, without a goal.
     */
    static String cost(List<Run> runs) {
        return cost(runs, GUARDED, "the ruleset and pii actions (gate: record)", true)
                + cost(runs, GATED, "the same with the gate holding each window", false)
                + cost(runs, RULES_ONLY, "the ruleset alone (gate: record, no pii)", false)
                + cost(runs, PII_ONLY, "the pii actions alone (no ruleset)", false);
    }

    private static String cost(List<Run> runs, String contender, String what, boolean goal) {
        double[] plain = secondsOf(runs, PLAIN);
        double[] guarded = secondsOf(runs, contender);
        if (guarded.length == 0) {
            return "";
        }
        double ratio =
                Bench.median(java.util.Arrays.stream(plain))
                        / Bench.median(java.util.Arrays.stream(guarded));
        int n = Math.min(plain.length, guarded.length);
        double[] rounds = new double[n];
        StringBuilder each = new StringBuilder();
        for (int i = 0; i < n; i++) {
            rounds[i] = plain[i] / guarded[i];
            each.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", rounds[i]));
        }
        double paired = Bench.median(java.util.Arrays.stream(rounds));
        double[] cpuPlain = cpuOf(runs, PLAIN);
        double[] cpuGuarded = cpuOf(runs, contender);
        double[] cpuRounds = new double[Math.min(cpuPlain.length, cpuGuarded.length)];
        for (int i = 0; i < cpuRounds.length; i++) {
            cpuRounds[i] = cpuGuarded[i] / cpuPlain[i];
        }
        double[] joinPlain = figureOf(runs, PLAIN, Run::joinCpuMicrosPerRow);
        double[] joinGuarded = figureOf(runs, contender, Run::joinCpuMicrosPerRow);
        List<Double> joinPaired = new ArrayList<>();
        for (int i = 0; i < Math.min(joinPlain.length, joinGuarded.length); i++) {
            if (!Double.isNaN(joinPlain[i] / joinGuarded[i])) {
                joinPaired.add(joinGuarded[i] / joinPlain[i]);
            }
        }
        String joinThread =
                joinPaired.isEmpty()
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "; the join's task thread's CPU per row, with / without: %.3f"
                                        + " (median of the rounds' ratios: %s; %.1f / %.1f µs per"
                                        + " row)",
                                Bench.median(joinPaired.stream().mapToDouble(Double::doubleValue)),
                                joinPaired.stream()
                                        .map(d -> String.format(Locale.ROOT, "%.2f", d))
                                        .collect(java.util.stream.Collectors.joining(", ")),
                                Bench.median(
                                        java.util.Arrays.stream(joinGuarded)
                                                .filter(d -> !Double.isNaN(d))),
                                Bench.median(
                                        java.util.Arrays.stream(joinPlain)
                                                .filter(d -> !Double.isNaN(d))));
        double[] processedPlain = processedOf(runs, PLAIN);
        double[] processedGuarded = processedOf(runs, contender);
        // a round whose run's processing was not seen has no rate: left out, the other rounds
        // still paired by position
        List<Double> processedPaired = new ArrayList<>();
        StringBuilder processedEach = new StringBuilder();
        for (int i = 0; i < Math.min(processedPlain.length, processedGuarded.length); i++) {
            double r = processedPlain[i] / processedGuarded[i];
            processedEach.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", r));
            if (!Double.isNaN(r)) {
                processedPaired.add(r);
            }
        }
        double[] processedRounds =
                processedPaired.stream().mapToDouble(Double::doubleValue).toArray();
        double processedRatio =
                Bench.median(java.util.Arrays.stream(processedPlain).filter(d -> !Double.isNaN(d)))
                        / Bench.median(
                                java.util.Arrays.stream(processedGuarded)
                                        .filter(d -> !Double.isNaN(d)));
        double processedPairedMedian =
                processedRounds.length == 0
                        ? Double.NaN
                        : Bench.median(java.util.Arrays.stream(processedRounds));
        return String.format(
                Locale.ROOT,
                "%nThroughput with %s / without: processing %.3f (medians; cost %.1f %%), %.3f"
                        + " (median of the rounds' ratios: %s)%s; landed %.3f (medians), %.3f"
                        + " (median of the rounds' ratios: %s), in steps of the checkpoint"
                        + " interval; the machine's CPU per row, with / without: %.3f (median of"
                        + " the rounds' ratios; %.1f / %.1f µs per row)%s%n",
                what,
                processedRatio,
                (1 - processedRatio) * 100,
                processedPairedMedian,
                processedEach,
                goal
                        ? "; goal: at most 5 % (judged on the processing rate, both statistics), "
                                + (processedRatio >= 0.95 && processedPairedMedian >= 0.95
                                        ? "met"
                                        : "missed")
                        : "",
                ratio,
                paired,
                each,
                Bench.median(java.util.Arrays.stream(cpuRounds)),
                Bench.median(java.util.Arrays.stream(cpuGuarded)),
                Bench.median(java.util.Arrays.stream(cpuPlain)),
                joinThread);
    }

    /** A figure of each of a contender's rounds, in order (NaN where not measured). */
    private static double[] figureOf(
            List<Run> runs, String contender, java.util.function.ToDoubleFunction<Run> figure) {
        return runs.stream()
                .filter(r -> r.contender().equals(contender))
                .mapToDouble(figure)
                .toArray();
    }

    /** Each round's seconds to process the load (NaN where not seen). */
    private static double[] processedOf(List<Run> runs, String contender) {
        return figureOf(runs, contender, Run::processedSeconds);
    }

    private static double[] cpuOf(List<Run> runs, String contender) {
        return figureOf(runs, contender, Run::cpuMicrosPerRow);
    }

    private static double[] secondsOf(List<Run> runs, String contender) {
        return figureOf(runs, contender, Run::seconds);
    }

    /** Medians per contender; ratios to the COPY floor and to the last contender. */
    static String table(List<Run> runs, List<String> contenders) {
        Map<String, Double> seconds = new HashMap<>();
        Map<String, Double> rename = new HashMap<>();
        String last = contenders.get(contenders.size() - 1);
        for (String c : contenders) {
            seconds.put(
                    c,
                    Bench.median(
                            runs.stream()
                                    .filter(r -> r.contender().equals(c))
                                    .mapToDouble(Run::seconds)));
            rename.put(
                    c,
                    Bench.median(
                            runs.stream()
                                    .filter(r -> r.contender().equals(c))
                                    .mapToDouble(Run::renameSeconds)));
        }
        long rows = runs.get(0).rows();
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| contender (median) | seconds to load all | rows/s | x COPY limit |"
                        + " processed in (s) | rows/s processed | the join busy (s) | x "
                        + (last.equals(HAND)
                                ? "Flink SQL"
                                : last.equals(CLUSTER_P2)
                                        ? "parallelism 2"
                                        : last.equals(WAREHOUSE_DIMENSION)
                                                ? "the dimension join"
                                                : last.equals(TRIBUTARY)
                                                        ? "the shipped pipeline"
                                                        : "with quality")
                        + " (landed) | rename visible in (s) | CPU µs/row | of it outside the JVM |"
                        + " the join's thread, CPU µs/row |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String c : contenders) {
            double s = seconds.get(c);
            double processed = medianOf(runs, c, Run::processedSeconds);
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %.1f | %,.0f | %.2f | %s | %s | %s | %.2f | %s | %s | %s | %s |%n",
                            c,
                            s,
                            rows / s,
                            seconds.get(LIMIT) / s,
                            oneDecimal(processed),
                            Double.isNaN(processed)
                                    ? "-"
                                    : String.format(Locale.ROOT, "%,.0f", rows / processed),
                            oneDecimal(medianOf(runs, c, Run::busySeconds)),
                            seconds.get(last) / s,
                            oneDecimal(rename.get(c)),
                            oneDecimal(medianOf(runs, c, Run::cpuMicrosPerRow)),
                            oneDecimal(medianOf(runs, c, Run::outsideMicrosPerRow)),
                            oneDecimal(medianOf(runs, c, Run::joinCpuMicrosPerRow))));
        }
        return sb.toString();
    }

    private static String oneDecimal(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    /** The median of a figure over a contender's rounds that have it; NaN when none has. */
    private static double medianOf(
            List<Run> runs, String contender, java.util.function.ToDoubleFunction<Run> figure) {
        double[] v =
                runs.stream()
                        .filter(r -> r.contender().equals(contender))
                        .mapToDouble(figure)
                        .filter(d -> !Double.isNaN(d))
                        .toArray();
        return v.length == 0 ? Double.NaN : Bench.median(java.util.Arrays.stream(v));
    }
}
