package io.tributary.bench;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import io.tributary.connectors.cdc.CdcConnection;
import io.tributary.connectors.cdc.CdcSourceBuilder;
import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.embedded.EmbeddedServices;
import io.tributary.embedded.MariaDbService;
import java.io.Serializable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

/**
 * The CDC scenario from MariaDB: the initial snapshot of N rows and a backlog of M updates in the
 * binary log, read by Tributary's CDC source, by a plain Flink CDC SQL table ({@code 'connector' =
 * 'mysql-cdc'}) and by the same table through {@code tributary-cdc} (what pipelines use: the cost
 * of its progress counting), all into the same counting sink in the same MiniCluster; beside them
 * what the database gives a single reader with no Flink at all (one JDBC full scan; the binlog
 * client decoding the same events).
 */
final class CdcBenchmark {

    static final String SCAN = "one JDBC full scan (reference)";
    static final String BINLOG = "binlog client, rows decoded (limit)";
    static final String TRIBUTARY = "Tributary CDC source";
    static final String FLINK_CDC = "Flink CDC SQL (mysql-cdc)";
    static final String TRIBUTARY_SQL = "Tributary SQL (tributary-cdc)";
    static final String DB = "bench_cdc";

    /** One contender's run of one phase. */
    record Run(
            String contender,
            String phase,
            long records,
            double seconds,
            boolean verified,
            long recordsAfterFirst,
            double secondsAfterFirst) {
        double perSecond() {
            return records / seconds;
        }

        /**
         * The rate from the moment the first record was counted: a job's start (submission,
         * scheduling, the source's connections and first split) left out. It is a fixed cost, which
         * a table of hundreds of millions of rows does not notice, and which decides most of a
         * 200k-row snapshot's time.
         */
        double perSecondAfterFirst() {
            return secondsAfterFirst > 0 ? recordsAfterFirst / secondsAfterFirst : perSecond();
        }
    }

    /** The first moment a count was seen above zero, and the count then. */
    private static final class First {
        long at;
        long count;

        void see(long n) {
            if (at == 0 && n > 0) {
                at = System.nanoTime();
                count = n;
            }
        }

        Run run(String contender, String phase, long n, double seconds, boolean verified) {
            long end = System.nanoTime();
            return new Run(
                    contender,
                    phase,
                    n,
                    seconds,
                    verified,
                    at == 0 ? 0 : n - count,
                    at == 0 ? 0 : (end - at) / 1e9);
        }
    }

    private final EmbeddedServices services;
    private final long rows;
    private final long updates;
    private final int parallelism;
    private final int splitSize;
    private long fromMillis;
    private String binlogFile;
    private long binlogPosition;

    CdcBenchmark(
            EmbeddedServices services, long rows, long updates, int parallelism, int splitSize) {
        if (rows < 1 || updates < 1 || splitSize < 1) {
            throw new IllegalArgumentException(
                    "rows, updates and split size must be positive: "
                            + rows
                            + ", "
                            + updates
                            + ", "
                            + splitSize);
        }
        this.splitSize = splitSize;
        this.services = services;
        this.rows = rows;
        this.updates = updates;
        this.parallelism = parallelism;
    }

    static EmbeddedServices startServices(Path root) {
        return EmbeddedServices.builder(root)
                .with(EmbeddedServices.Kind.MARIADB, EmbeddedServices.Kind.FLINK)
                .flinkSlots(4)
                .start();
    }

    /** N rows, then (a second later, for the binlog's one-second timestamps) M updates. */
    void generate() throws Exception {
        MariaDbService db = services.mariadb();
        db.createDatabase(DB);
        long t0 = System.nanoTime();
        try (Connection c = db.connect(DB);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS orders");
            s.execute(
                    "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL,"
                            + " amount DECIMAL(10,2) NOT NULL, note VARCHAR(40),"
                            + " updated_at DATETIME(3) NOT NULL)");
            for (long from = 1; from <= rows; from += 100_000) {
                long to = Math.min(rows, from + 99_999);
                s.execute(
                        "INSERT INTO orders SELECT seq, seq % 1000, (seq % 10000) / 100,"
                                + " CONCAT('order-', seq), TIMESTAMP '2024-01-01 00:00:00' +"
                                + " INTERVAL seq SECOND FROM seq_"
                                + from
                                + "_to_"
                                + to);
                System.out.printf("  inserted %,d/%,d rows%n", to, rows);
            }
            Thread.sleep(1100);
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                binlogFile = rs.getString(1);
                binlogPosition = rs.getLong(2);
            }
            fromMillis = System.currentTimeMillis();
            Thread.sleep(1100);
            long done = 0;
            while (done < updates) {
                // more updates than rows: the ids wrap around, each pass updates every row again
                long first = done % rows + 1;
                long n = Math.min(Math.min(10_000, updates - done), rows - first + 1);
                s.execute(
                        "UPDATE orders SET amount = amount + 1, updated_at = NOW(3) WHERE id"
                                + " BETWEEN "
                                + first
                                + " AND "
                                + (first + n - 1));
                done += n;
            }
            System.out.printf("  %,d updates in the binary log%n", updates);
        }
        System.out.printf("  data ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** Every contender, both phases, {@code rounds} times in alternating order. */
    List<Run> runAll(int rounds) throws Exception {
        List<Run> all = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            System.out.printf("round %d/%d%n", r + 1, rounds);
            List<Run> round = new ArrayList<>();
            Step[] steps = {
                () -> round.add(scan()),
                () -> round.add(tributary("snapshot")),
                () -> round.add(flinkCdc("snapshot")),
                () -> round.add(tributarySql("snapshot")),
                () -> round.add(binlog()),
                () -> round.add(tributary("stream")),
                () -> round.add(flinkCdc("stream")),
                () -> round.add(tributarySql("stream"))
            };
            if (r % 2 == 1) {
                Collections.reverse(Arrays.asList(steps));
            }
            for (Step s : steps) {
                s.run();
            }
            all.addAll(round);
        }
        return all;
    }

    private interface Step {
        void run() throws Exception;
    }

    Run scan() throws Exception {
        long t0 = System.nanoTime();
        long n = 0;
        First first = new First();
        try (Connection c = services.mariadb().connect(DB);
                Statement s =
                        c.createStatement(
                                ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            s.setFetchSize(Integer.MIN_VALUE); // stream the rows, as the snapshot reader does
            try (ResultSet rs = s.executeQuery("SELECT * FROM orders")) {
                while (rs.next()) {
                    rs.getLong(1);
                    rs.getInt(2);
                    rs.getBigDecimal(3);
                    rs.getString(4);
                    rs.getTimestamp(5);
                    n++;
                    first.see(n);
                }
            }
        }
        return report(first.run(SCAN, "snapshot", n, seconds(t0), n == rows));
    }

    Run binlog() throws Exception {
        MariaDbService db = services.mariadb();
        AtomicLong seen = new AtomicLong();
        BinaryLogClient client =
                new BinaryLogClient(
                        "127.0.0.1", db.port(), MariaDbService.USER, MariaDbService.PASSWORD);
        client.setServerId(7000 + ThreadLocalRandom.current().nextInt(100_000));
        client.setBinlogFilename(binlogFile);
        client.setBinlogPosition(binlogPosition);
        client.setKeepAlive(false);
        client.registerEventListener(
                e -> {
                    if (e.getData() instanceof UpdateRowsEventData u) {
                        seen.addAndGet(u.getRows().size());
                    }
                });
        long t0 = System.nanoTime();
        client.connect(10_000);
        First first = new First();
        while (seen.get() < updates && System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(10)) {
            first.see(seen.get());
            Thread.sleep(5);
        }
        double seconds = seconds(t0);
        Run run = first.run(BINLOG, "stream", seen.get(), seconds, seen.get() == updates);
        client.disconnect();
        return report(run);
    }

    Run tributary(String phase) throws Exception {
        boolean snapshot = phase.equals("snapshot");
        String counter = "tributary-" + phase + "-" + System.nanoTime();
        StreamExecutionEnvironment env = environment(snapshot);
        CdcSourceBuilder source =
                CdcSourceBuilder.forConnection(
                                CdcConnection.parse(services.mariadb().jdbcUrl(DB), null, null))
                        .tables(DB + ".orders")
                        .splitSize(splitSize);
        if (snapshot) {
            source.startup(CdcSourceBuilder.StartupMode.SNAPSHOT);
        } else {
            source.startup(CdcSourceBuilder.StartupMode.TIMESTAMP).startupTimestamp(fromMillis);
        }
        env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "cdc")
                .sinkTo(
                        new CountingSink<>(
                                counter,
                                snapshot ? ChangeOp.READ.code() : ChangeOp.UPDATE.code(),
                                CdcBenchmark::tributaryKind));
        long t0 = System.nanoTime();
        JobClient job = env.executeAsync("bench-tributary-cdc-" + phase);
        return finish(TRIBUTARY, phase, counter, job, t0);
    }

    Run flinkCdc(String phase) throws Exception {
        return sql(FLINK_CDC, mysqlCdcOptions(services.mariadb(), DB, "orders"), phase);
    }

    /**
     * The same table through {@code tributary-cdc}: Flink CDC's source with Tributary's progress
     * counting and error translation around it (what pipelines and the catalog use).
     */
    Run tributarySql(String phase) throws Exception {
        return sql(
                TRIBUTARY_SQL,
                mysqlCdcOptions(services.mariadb(), DB, "orders")
                        .replace(
                                "'connector' = 'mysql-cdc'",
                                "'connector' = 'tributary-cdc', 'database-type' = 'mysql'"),
                phase);
    }

    private Run sql(String contender, String options, String phase) throws Exception {
        boolean snapshot = phase.equals("snapshot");
        String counter = contender + "-" + phase + "-" + System.nanoTime();
        StreamExecutionEnvironment env = environment(snapshot);
        StreamTableEnvironment t = StreamTableEnvironment.create(env);
        t.executeSql(
                "CREATE TABLE orders (id BIGINT, customer_id INT, amount DECIMAL(10,2), note"
                        + " STRING, updated_at TIMESTAMP(3), PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + options
                        + ", 'scan.incremental.snapshot.chunk.size' = '"
                        + splitSize
                        + "', "
                        + (snapshot
                                ? "'scan.startup.mode' = 'snapshot'"
                                : "'scan.startup.mode' = 'timestamp',"
                                        + " 'scan.startup.timestamp-millis' = '"
                                        + fromMillis
                                        + "'")
                        + ")");
        t.toChangelogStream(t.from("orders"))
                .sinkTo(
                        new CountingSink<>(
                                counter,
                                snapshot ? "+I" : "+U",
                                r -> ((Row) r).getKind().shortString()));
        long t0 = System.nanoTime();
        JobClient job = env.executeAsync("bench-" + contender + "-" + phase);
        return finish(contender, phase, counter, job, t0);
    }

    /** The options of a Flink SQL {@code mysql-cdc} table on the embedded MariaDB. */
    static String mysqlCdcOptions(MariaDbService db, String database, String table) {
        int base = 5400 + ThreadLocalRandom.current().nextInt(0, 1_000_000);
        return "'connector' = 'mysql-cdc', 'hostname' = '127.0.0.1', 'port' = '"
                + db.port()
                + "', 'username' = '"
                + MariaDbService.USER
                + "', 'password' = '"
                + MariaDbService.PASSWORD
                + "', 'database-name' = '"
                + database
                + "', 'table-name' = '"
                + table
                + "', 'server-time-zone' = 'UTC', 'server-id' = '"
                + base
                + "-"
                + (base + 7)
                + "'";
    }

    private static String tributaryKind(Object r) {
        return ((ChangeRecord) r).op().code();
    }

    private StreamExecutionEnvironment environment(boolean snapshot) {
        Configuration conf = services.flink().clientConfiguration();
        conf.setString("execution.checkpointing.interval", "10 s");
        // as pipelines run (PipelineTranslator): chained operators hand records on without a copy;
        // every contender's job alike
        conf.setString("pipeline.object-reuse", "true");
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        // the snapshot is read in parallel chunks; the binlog by one reader whatever the setting
        env.setParallelism(snapshot ? parallelism : 1);
        return env;
    }

    private Run finish(String contender, String phase, String counter, JobClient job, long t0)
            throws Exception {
        long expected = phase.equals("snapshot") ? rows : updates;
        AtomicLong count = CountingSink.counter(counter);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        First first = new First();
        long statusAt = 0;
        while (count.get() < expected && System.nanoTime() < deadline) {
            // the job's status is a call to the cluster's REST API: asked every 5 ms it took
            // a fifth of the bench JVM's CPU (bench/RESULTS.md, 2026-12-07 10:38), from the
            // contenders it measures; the count itself is a counter in this JVM
            if (System.nanoTime() - statusAt > TimeUnit.MILLISECONDS.toNanos(500)) {
                statusAt = System.nanoTime();
                if (job.getJobStatus().get().isGloballyTerminalState() && count.get() < expected) {
                    break;
                }
            }
            first.see(count.get());
            Thread.sleep(5);
        }
        double seconds = seconds(t0);
        Run timed = first.run(contender, phase, count.get(), seconds, false);
        Thread.sleep(1000); // anything beyond the expected count would be a duplicate
        long n = count.get();
        Bench.cancelAndWait(job);
        return report(
                new Run(
                        contender,
                        phase,
                        n,
                        seconds,
                        n == expected,
                        timed.recordsAfterFirst(),
                        timed.secondsAfterFirst()));
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static Run report(Run r) {
        System.out.printf(
                "  %-8s %-38s %,12.0f records/s  %7.1f s  (after the first: %,12.0f/s in %5.1f s)"
                        + "  %s%n",
                r.phase(),
                r.contender(),
                r.perSecond(),
                r.seconds(),
                r.perSecondAfterFirst(),
                r.secondsAfterFirst(),
                r.verified() ? "count verified" : "COUNT WRONG: " + r.records());
        return r;
    }

    /** Median records/s per phase and contender, in the order they first appear. */
    static Map<String, Double> medians(List<Run> runs) {
        return medians(runs, Run::perSecond);
    }

    /** Median of {@code rate} per phase and contender, in the order they first appear. */
    static Map<String, Double> medians(
            List<Run> runs, java.util.function.ToDoubleFunction<Run> rate) {
        Map<String, List<Double>> by = new LinkedHashMap<>();
        for (Run r : runs) {
            by.computeIfAbsent(r.phase() + "|" + r.contender(), k -> new ArrayList<>())
                    .add(rate.applyAsDouble(r));
        }
        Map<String, Double> out = new LinkedHashMap<>();
        by.forEach(
                (k, v) -> {
                    v.sort(Double::compare);
                    int n = v.size();
                    out.put(k, n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2);
                });
        return out;
    }

    /**
     * The sink both contenders write to: counts the records of one kind ({@code r}, {@code +I},
     * ...) in a counter this JVM can read (the MiniCluster runs in it).
     */
    static final class CountingSink<T> implements Sink<T> {
        private static final Map<String, AtomicLong> COUNTERS = new ConcurrentHashMap<>();
        private final String name;
        private final String kind;
        private final KindOf kindOf;

        interface KindOf extends Serializable {
            String of(Object record);
        }

        CountingSink(String name, String kind, KindOf kindOf) {
            this.name = name;
            this.kind = kind;
            this.kindOf = kindOf;
        }

        static AtomicLong counter(String name) {
            return COUNTERS.computeIfAbsent(name, k -> new AtomicLong());
        }

        @Override
        @SuppressWarnings("deprecation")
        public SinkWriter<T> createWriter(InitContext context) {
            return writer();
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            return writer();
        }

        private SinkWriter<T> writer() {
            AtomicLong c = counter(name);
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context context) {
                    if (kind.equals(kindOf.of(element))) {
                        c.incrementAndGet();
                    }
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
