package io.tributary.bench;

import io.tributary.embedded.EmbeddedServices;
import io.tributary.embedded.EmbeddedServices.Kind;
import io.tributary.embedded.S3Service;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.table.api.TableEnvironment;
import org.postgresql.PGConnection;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The load scenario: N JSON rows on S3 into a PostgreSQL table, by Tributary's exactly-once sink,
 * by what a Flink user would write instead (filesystem JSON source into flink-connector-jdbc, batch
 * 5000), and by the physical limit (the same rows streamed with COPY FROM STDIN, as CSV and in
 * PostgreSQL's binary format, which the sink stages in and which the server reads faster).
 */
final class LoadBenchmark {

    static final String LIMIT = "COPY FROM STDIN (limit)";
    static final String LIMIT_BINARY = "COPY FROM STDIN, binary format (limit)";
    static final String TRIBUTARY = "tributary-redshift sink, defaults (exactly-once)";
    static final String TRIBUTARY_S3 =
            "tributary-s3 json -> tributary-redshift, defaults (exactly-once)";
    static final String TRIBUTARY_TABLE =
            "tributary-redshift sink, staged in a table (exactly-once)";
    static final String JDBC = "filesystem json -> jdbc sink (batch 5000)";
    static final String SOURCE = "filesystem json -> blackhole (source bound)";
    static final String S3_SOURCE = "tributary-s3 json -> blackhole (source bound)";

    static final String BUCKET = "bench";
    static final String DB = "bench";

    /** One contender's run. */
    record Run(String contender, long rows, double seconds, long peakHeapBytes, boolean verified) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    private final EmbeddedServices services;
    private final long rows;
    private final int files;
    private final int parallelism;
    private long jsonBytes;

    LoadBenchmark(EmbeddedServices services, long rows, int files, int parallelism) {
        this.services = services;
        this.rows = rows;
        this.files = files;
        this.parallelism = parallelism;
    }

    static EmbeddedServices startServices(Path root) {
        return EmbeddedServices.builder(root)
                .with(Kind.POSTGRES, Kind.S3, Kind.FLINK)
                .flinkSlots(4)
                .start();
    }

    long jsonBytes() {
        return jsonBytes;
    }

    /** Writes the rows as {@code files} JSON-lines objects under s3://bench/load/. */
    void generate() {
        services.s3().createBucket(BUCKET);
        long perFile = (rows + files - 1) / files;
        long t0 = System.nanoTime();
        try (S3Client s3 = services.s3().client()) {
            for (int f = 0; f < files; f++) {
                long from = f * perFile;
                long to = Math.min(rows, from + perFile);
                if (from >= to) {
                    break;
                }
                StringBuilder sb = new StringBuilder((int) ((to - from) * 130));
                for (long i = from; i < to; i++) {
                    BenchRows.json(i, sb);
                }
                byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
                jsonBytes += bytes.length;
                String key = String.format("load/part-%05d.json", f);
                s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
                System.out.printf(
                        "  generated %d/%d files (%,d rows, %.0f MB)%n",
                        f + 1, files, to, jsonBytes / 1e6);
            }
        }
        System.out.printf("  data ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        services.postgres().createDatabase(DB);
    }

    private void resetTable(String table) throws SQLException {
        try (Connection c = services.postgres().connect(DB);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS bench");
            s.execute("DROP TABLE IF EXISTS bench." + table);
            s.execute("DROP TABLE IF EXISTS bench.tributary_sink_bookmarks");
            s.execute("CREATE TABLE bench." + table + " " + BenchRows.COLUMNS_DDL);
            s.execute("CHECKPOINT");
        }
    }

    private boolean verify(String table) throws SQLException {
        try (Connection c = services.postgres().connect(DB);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT count(*), count(DISTINCT order_id), coalesce(sum(quantity), 0) FROM bench."
                                        + table)) {
            rs.next();
            boolean ok =
                    rs.getLong(1) == rows
                            && rs.getLong(2) == rows
                            && rs.getLong(3) == BenchRows.expectedQuantitySum(rows);
            if (!ok) {
                System.out.printf(
                        "  !! %s holds %d rows (%d distinct), expected %d%n",
                        table, rs.getLong(1), rs.getLong(2), rows);
            }
            return ok;
        }
    }

    Run copyLimit() throws Exception {
        resetTable("load_copy");
        return measure(
                LIMIT,
                "load_copy",
                () -> {
                    try (Connection c = services.postgres().connect(DB)) {
                        c.unwrap(PGConnection.class)
                                .getCopyAPI()
                                .copyIn(
                                        "COPY bench.load_copy FROM STDIN WITH (FORMAT csv)",
                                        new GeneratedCsv(rows));
                    }
                });
    }

    /**
     * The sink with no option but where to write: it stages the rows of each checkpoint as files
     * under the job's checkpoint directory, which every contender's job has (as every deployment's
     * has), and COPYs them at commit.
     */
    Run tributary() throws Exception {
        resetTable("load_tributary");
        return measure(
                TRIBUTARY,
                "load_tributary",
                () ->
                        runSql(
                                "'connector' = 'tributary-redshift', 'url' = '"
                                        + services.postgres().jdbcUrl(DB)
                                        + "', 'schema-name' = 'bench', 'table-name' = 'load_tributary',"
                                        + " 'sink.mode' = 'APPEND'",
                                "10 s"));
    }

    /**
     * Tributary end to end: its own S3 source (as a pipeline's {@code type: s3} source reads) into
     * the sink with its defaults.
     */
    Run tributaryS3() throws Exception {
        resetTable("load_tributary_s3");
        return measure(
                TRIBUTARY_S3,
                "load_tributary_s3",
                () ->
                        runSql(
                                s3Source(),
                                "'connector' = 'tributary-redshift', 'url' = '"
                                        + services.postgres().jdbcUrl(DB)
                                        + "', 'schema-name' = 'bench', 'table-name' = 'load_tributary_s3',"
                                        + " 'sink.mode' = 'APPEND'",
                                "10 s"));
    }

    /** The same, asked to stage in a durable table (PostgreSQL's default before 2026-12-05). */
    Run tributaryTable() throws Exception {
        resetTable("load_tributary_table");
        return measure(
                TRIBUTARY_TABLE,
                "load_tributary_table",
                () ->
                        runSql(
                                "'connector' = 'tributary-redshift', 'url' = '"
                                        + services.postgres().jdbcUrl(DB)
                                        + "', 'schema-name' = 'bench',"
                                        + " 'table-name' = 'load_tributary_table', 'sink.mode' = 'APPEND',"
                                        + " 'sink.staging' = 'table'",
                                "10 s"));
    }

    Run jdbc() throws Exception {
        resetTable("load_jdbc");
        return measure(
                JDBC,
                "load_jdbc",
                () ->
                        runSql(
                                "'connector' = 'jdbc', 'url' = '"
                                        + services.postgres().jdbcUrl(DB)
                                        + "', 'table-name' = 'bench.load_jdbc',"
                                        + " 'sink.buffer-flush.max-rows' = '5000'",
                                "10 s"));
    }

    /** The same job into a blackhole: how fast the source alone goes, the ceiling for any sink. */
    Run sourceOnly() throws Exception {
        return measure(SOURCE, null, () -> runSql("'connector' = 'blackhole'", "10 s"));
    }

    /** Tributary's S3 source (bounded) into a blackhole, beside Flink's filesystem source. */
    Run s3SourceOnly() throws Exception {
        return measure(
                S3_SOURCE, null, () -> runSql(s3Source(), "'connector' = 'blackhole'", "10 s"));
    }

    /** Tributary's S3 source over the load's files, reading them once (bounded). */
    private String s3Source() {
        return "'connector' = 'tributary-s3', 'format' = 'json', 'scan.mode' = 'bounded',"
                + " 'path' = 's3://"
                + BUCKET
                + "/load/', 's3.endpoint' = '"
                + services.s3().endpoint()
                + "', 's3.path-style' = 'true', 's3.access-key' = '"
                + S3Service.ACCESS_KEY
                + "', 's3.secret-key' = '"
                + S3Service.SECRET_KEY
                + "'";
    }

    private void runSql(String sinkOptions, String checkpointInterval) throws Exception {
        runSql(
                "'connector' = 'filesystem', 'path' = 's3://"
                        + BUCKET
                        + "/load/', 'format' = 'json'",
                sinkOptions,
                checkpointInterval);
    }

    private void runSql(String sourceOptions, String sinkOptions, String checkpointInterval)
            throws Exception {
        // every contender's job checkpoints to disk, as a deployed job does
        Path checkpoints = services.root().resolve("checkpoints");
        TableEnvironment env =
                services.flink()
                        .streamingTableEnvironment(
                                Map.of(
                                        "parallelism.default",
                                        Integer.toString(parallelism),
                                        "execution.checkpointing.interval",
                                        checkpointInterval,
                                        "execution.checkpointing.dir",
                                        checkpoints.toUri().toString()));
        env.executeSql(
                "CREATE TABLE src (" + BenchRows.FLINK_COLUMNS + ") WITH (" + sourceOptions + ")");
        env.executeSql(
                "CREATE TABLE dst (" + BenchRows.FLINK_COLUMNS + ") WITH (" + sinkOptions + ")");
        env.executeSql("INSERT INTO dst SELECT * FROM src").await(2, TimeUnit.HOURS);
    }

    private interface Body {
        void run() throws Exception;
    }

    private Run measure(String contender, String table, Body body) throws Exception {
        System.gc();
        AtomicLong peak = new AtomicLong();
        var memory = ManagementFactory.getMemoryMXBean();
        Thread sampler =
                new Thread(
                        () -> {
                            while (!Thread.currentThread().isInterrupted()) {
                                peak.accumulateAndGet(
                                        memory.getHeapMemoryUsage().getUsed(), Math::max);
                                try {
                                    Thread.sleep(50);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long t0 = System.nanoTime();
        body.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        boolean ok = table == null || verify(table);
        Run run = new Run(contender, rows, seconds, peak.get(), ok);
        System.out.printf(
                "  %-42s %,12.0f rows/s  %8.1f s  peak heap %,6d MB  %s%n",
                contender,
                run.rowsPerSecond(),
                seconds,
                peak.get() >> 20,
                table == null ? "(no table)" : ok ? "rows verified" : "ROWS WRONG");
        return run;
    }

    /** The same rows in PostgreSQL's binary COPY format, as a user writing one by hand would. */
    Run copyBinaryLimit() throws Exception {
        resetTable("load_copy_binary");
        return measure(
                LIMIT_BINARY,
                "load_copy_binary",
                () -> {
                    try (Connection c = services.postgres().connect(DB)) {
                        c.unwrap(PGConnection.class)
                                .getCopyAPI()
                                .copyIn(
                                        "COPY bench.load_copy_binary FROM STDIN WITH (FORMAT binary)",
                                        new GeneratedBinary(rows));
                    }
                });
    }

    /** The benchmark rows in PostgreSQL's binary COPY format, generated while COPY reads them. */
    private static final class GeneratedBinary extends InputStream {
        /** 2026-11-24 00:00 in microseconds since 2000-01-01, PostgreSQL's epoch. */
        private static final long DAY_MICROS =
                (java.time.LocalDate.of(2026, 11, 24).toEpochDay() - 10_957) * 86_400_000_000L;

        private static final byte[][] PRODUCTS = new byte[BenchRows.PRODUCTS.length][];

        static {
            for (int p = 0; p < PRODUCTS.length; p++) {
                PRODUCTS[p] = BenchRows.PRODUCTS[p].getBytes(StandardCharsets.UTF_8);
            }
        }

        private final long rows;
        private long next = -1; // the header first
        private final java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 17);
        private int pos;

        GeneratedBinary(long rows) {
            this.rows = rows;
            buf.limit(0);
        }

        private boolean fill() {
            if (next > rows) {
                return false;
            }
            buf.clear();
            if (next < 0) {
                buf.put("PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1));
                buf.putInt(0).putInt(0);
                next = 0;
            }
            long end = Math.min(rows, next + 1000);
            for (; next < end; next++) {
                long i = next;
                buf.putShort((short) 6);
                buf.putInt(8).putLong(i);
                buf.putInt(4).putInt(BenchRows.customer(i));
                byte[] product = PRODUCTS[(int) (i % PRODUCTS.length)];
                buf.putInt(product.length).put(product);
                buf.putInt(4).putInt(BenchRows.quantity(i));
                numeric(BenchRows.priceCents(i));
                buf.putInt(8)
                        .putLong(
                                DAY_MICROS
                                        + ((i / 1000) % 86_400) * 1_000_000L
                                        + (i % 1000) * 1000);
            }
            if (next == rows) {
                buf.putShort((short) -1);
                next = rows + 1;
            }
            buf.flip();
            return true;
        }

        /** {@code cents} / 100 as numeric(10,2): base-10000 digits, weight, sign, scale 2. */
        private void numeric(long cents) {
            long whole = cents / 100;
            int fraction = (int) (cents % 100) * 100; // two decimals as one base-10000 digit
            short[] digits = new short[4];
            int n = 0;
            for (long w = whole; w > 0; w /= 10_000) {
                n++;
            }
            int weight = n - 1;
            for (int d = n - 1; d >= 0; d--) {
                digits[d] = (short) (whole % 10_000);
                whole /= 10_000;
            }
            if (fraction != 0) {
                digits[n++] = (short) fraction;
            }
            buf.putInt(8 + 2 * n).putShort((short) n).putShort((short) (n == 0 ? 0 : weight));
            buf.putShort((short) 0).putShort((short) 2);
            for (int d = 0; d < n; d++) {
                buf.putShort(digits[d]);
            }
        }

        @Override
        public int read() throws IOException {
            if (!buf.hasRemaining() && !fill()) {
                return -1;
            }
            return buf.get() & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (!buf.hasRemaining() && !fill()) {
                return -1;
            }
            int n = Math.min(len, buf.remaining());
            buf.get(b, off, n);
            return n;
        }
    }

    /** The benchmark rows as CSV, generated while COPY reads them. */
    private static final class GeneratedCsv extends InputStream {
        private final long rows;
        private long next;
        private final StringBuilder sb = new StringBuilder(1 << 17);
        private byte[] chunk = new byte[0];
        private int pos;

        GeneratedCsv(long rows) {
            this.rows = rows;
        }

        private boolean fill() {
            if (next >= rows) {
                return false;
            }
            sb.setLength(0);
            long end = Math.min(rows, next + 1000);
            for (; next < end; next++) {
                BenchRows.csv(next, sb);
            }
            chunk = sb.toString().getBytes(StandardCharsets.UTF_8);
            pos = 0;
            return true;
        }

        @Override
        public int read() throws IOException {
            if (pos >= chunk.length && !fill()) {
                return -1;
            }
            return chunk[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= chunk.length && !fill()) {
                return -1;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** Runs every contender {@code rounds} times, alternating the order, and returns all runs. */
    List<Run> runAll(int rounds) throws Exception {
        List<Run> all = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            System.out.printf("round %d/%d%n", r + 1, rounds);
            List<Run> round = new ArrayList<>();
            if (r % 2 == 0) {
                round.add(copyLimit());
                round.add(copyBinaryLimit());
                round.add(tributary());
                round.add(tributaryS3());
                round.add(tributaryTable());
                round.add(jdbc());
                round.add(sourceOnly());
                round.add(s3SourceOnly());
            } else {
                round.add(s3SourceOnly());
                round.add(sourceOnly());
                round.add(jdbc());
                round.add(tributaryTable());
                round.add(tributaryS3());
                round.add(tributary());
                round.add(copyBinaryLimit());
                round.add(copyLimit());
            }
            all.addAll(round);
        }
        return all;
    }

    /** Median rows/s per contender, in the order they first appear. */
    static Map<String, Double> medians(List<Run> runs) {
        Map<String, List<Double>> by = new LinkedHashMap<>();
        for (Run r : runs) {
            by.computeIfAbsent(r.contender(), k -> new ArrayList<>()).add(r.rowsPerSecond());
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
}
