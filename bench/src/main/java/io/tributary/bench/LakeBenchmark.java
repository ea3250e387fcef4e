package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.iceberg.IcebergRestServer;
import io.tributary.catalog.iceberg.IcebergStorage;
import io.tributary.catalog.iceberg.TributaryIcebergCatalog;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.embedded.EmbeddedServices;
import io.tributary.embedded.EmbeddedServices.Kind;
import io.tributary.embedded.S3Service;
import io.tributary.embedded.SparkClient;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;

/**
 * The lake scenario ({@code bench/run.sh lake}).
 *
 * <p><b>Throughput</b>: the same generated orders (four days, partitioned by day) written three
 * ways to the embedded S3 server, one writer each: Parquet files written straight to S3 by
 * Iceberg's own writer with no Flink (the limit), Tributary's lake sink (a Flink job through
 * Iceberg's committer), and Flink's {@code filesystem} sink writing Parquet (what a user would
 * write instead, without a table).
 *
 * <p><b>Streaming</b>: a generator at a fixed rate into the lake at 1 s checkpoints with two
 * writers, for a while without compaction and then with it: data files per partition at the end,
 * the files of the last compaction's snapshot, the commit latency (a snapshot's commit time minus
 * the newest and the oldest row it holds, from the files' column bounds) and, with the {@code
 * spark-client} module built, Spark's read time of the table before and after compaction.
 */
final class LakeBenchmark {

    static final String BUCKET = "bench";
    static final String DB = "bench";
    static final LocalDateTime EPOCH = LocalDateTime.of(2026, 11, 1, 0, 0);
    static final int SPAN_SECONDS = 4 * 86_400; // four days: four partitions

    static final Schema SCHEMA =
            new Schema(
                    Types.NestedField.required(1, "order_id", Types.LongType.get()),
                    Types.NestedField.optional(2, "customer", Types.StringType.get()),
                    Types.NestedField.optional(3, "amount", Types.DecimalType.of(10, 2)),
                    Types.NestedField.optional(4, "ts", Types.TimestampType.withoutZone()),
                    Types.NestedField.optional(5, "dt", Types.DateType.get()));

    static final String FLINK_COLUMNS =
            "order_id BIGINT NOT NULL, customer STRING, amount DECIMAL(10, 2), ts TIMESTAMP(6),"
                    + " dt DATE";

    /** The generated columns from a sequence {@code id}, the same in SQL and in Java. */
    static final String DERIVED =
            "id AS order_id, CONCAT('c', CAST(id % 1000 AS STRING)) AS customer,"
                    // no decimal division per row: it was half of the Flink contenders' CPU
                    // (BigDecimal.divide), a cost of the generator that the limit did not pay
                    + " CAST(id % 100000 AS DECIMAL(10, 2)) AS amount,"
                    + " CAST(TIMESTAMPADD(SECOND, CAST(id % "
                    + SPAN_SECONDS
                    + " AS INT), TIMESTAMP '2026-11-01 00:00:00') AS TIMESTAMP(6)) AS ts,"
                    + " CAST(TIMESTAMPADD(SECOND, CAST(id % "
                    + SPAN_SECONDS
                    + " AS INT), TIMESTAMP '2026-11-01 00:00:00') AS DATE) AS dt";

    /** One contender's run. */
    record Run(String contender, long rows, double seconds, boolean verified) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    /** The streaming figures of one run (with or without compaction). */
    record Stream(
            String name,
            long rows,
            int snapshots,
            Map<String, Integer> liveFilesPerPartition,
            Map<String, Integer> compactedFilesPerPartition,
            Map<String, Integer> writtenByCompactionPerPartition,
            int compactions,
            double newestRowLatencyMedian,
            double newestRowLatencyP95,
            double oldestRowLatencyMedian,
            double sparkSecondsBefore,
            double sparkSecondsAfter) {}

    private final EmbeddedServices services;
    private final Path work;
    private final CatalogStore store;
    private final TributaryIcebergCatalog catalog;
    private int runs;

    LakeBenchmark(EmbeddedServices services, Path work) {
        this.services = services;
        this.work = work;
        services.s3().createBucket(BUCKET);
        this.store = CatalogStores.embedded(work.resolve("catalog"));
        this.catalog = new TributaryIcebergCatalog(store);
        Map<String, String> props = new HashMap<>(s3());
        props.put("warehouse", "s3://" + BUCKET + "/lake");
        catalog.initialize("bench", props);
        catalog.createNamespace(Namespace.of(DB));
    }

    static Map<String, String> s3(EmbeddedServices services) {
        return IcebergStorage.s3(
                services.s3().endpoint(),
                S3Service.REGION,
                true,
                S3Service.ACCESS_KEY,
                S3Service.SECRET_KEY);
    }

    private Map<String, String> s3() {
        return s3(services);
    }

    static boolean run(long rows, int rounds, int streamSeconds, int rate, boolean quick, Path out)
            throws Exception {
        Path work = Files.createTempDirectory("tributary-bench-");
        System.out.printf(
                "lake: %,d orders (4 day partitions) -> S3, %d round(s); then %d s of streaming at"
                        + " %,d rows/s, 1 s checkpoints, without and with compaction%n",
                rows, rounds, streamSeconds, rate);
        try (EmbeddedServices services =
                EmbeddedServices.builder(work).with(Kind.S3, Kind.FLINK).flinkSlots(4).start()) {
            LakeBenchmark lake = new LakeBenchmark(services, work);
            try {
                // a warm-up round on a tenth of the rows, not counted: the first contender of a
                // cold JVM otherwise pays the JIT's warm-up for all three (the limit, first in
                // round 1, measured 353k rows/s cold and 449k warm on the same machine)
                long warm = Math.max(1, rows / 10);
                progress(-1, lake.limit(warm));
                progress(-1, lake.lakeSink(warm));
                progress(-1, lake.filesystemParquet(warm));
                List<Run> all = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    // alternating order: no contender always runs right after the same one
                    // (the list used to be reversed after the round ran, in the same order)
                    List<Run> round = new ArrayList<>();
                    if (r % 2 == 0) {
                        round.add(progress(r, lake.limit(rows)));
                        round.add(progress(r, lake.lakeSink(rows)));
                        round.add(progress(r, lake.filesystemParquet(rows)));
                    } else {
                        round.add(progress(r, lake.filesystemParquet(rows)));
                        round.add(progress(r, lake.lakeSink(rows)));
                        round.add(progress(r, lake.limit(rows)));
                        java.util.Collections.reverse(round); // the table keeps one order
                    }
                    all.addAll(round);
                }
                Stream without = lake.stream("without", streamSeconds, rate, null, quick);
                System.out.printf(
                        "  streaming without compaction: %,d rows, %d snapshots%n",
                        without.rows(), without.snapshots());
                // a few compactions within the stream, however long it runs
                Stream with =
                        lake.stream(
                                "with",
                                streamSeconds,
                                rate,
                                quick ? "5 s" : Math.max(5, streamSeconds / 4) + " s",
                                quick);
                System.out.printf(
                        "  streaming with compaction: %,d rows, %d snapshots%n",
                        with.rows(), with.snapshots());
                String table = table(rows, rounds, all, List.of(without, with));
                System.out.println();
                System.out.println(table);
                boolean ok = all.stream().allMatch(Run::verified);
                if (!quick) {
                    record(out, rows, rounds, streamSeconds, rate, all, without, with, table);
                }
                // the goal, files after compaction <= 2 per partition, on what the compaction
                // wrote: the files the stream commits while a compaction runs are there too, for
                // the next one (the table reports both)
                return ok
                        && with.compactions() > 0
                        && with.writtenByCompactionPerPartition().size()
                                == with.compactedFilesPerPartition().size()
                        && with.writtenByCompactionPerPartition().values().stream()
                                .allMatch(n -> n <= 2);
            } finally {
                lake.close();
            }
        } finally {
            Bench.deleteTree(work);
        }
    }

    /** Prints a contender's figures as soon as it is done, so a long run shows where it is. */
    private static Run progress(int round, Run run) {
        System.out.printf(
                "  %s, %s: %,d rows in %.1f s (%,.0f rows/s)%s%n",
                round < 0 ? "warm-up (not counted)" : "round " + (round + 1),
                run.contender(),
                run.rows(),
                run.seconds(),
                run.rowsPerSecond(),
                run.verified() ? "" : " NOT VERIFIED");
        System.out.flush();
        return run;
    }

    void close() {
        catalog.close();
        store.close();
    }

    /**
     * The limit: Iceberg's Parquet writer straight to S3, no Flink: one pass over the rows with a
     * writer open per partition (four files), each row made once.
     */
    Run limit(long rows) throws IOException {
        TableIdentifier id = TableIdentifier.of(DB, "limit_" + (runs++));
        PartitionSpec spec = PartitionSpec.builderFor(SCHEMA).identity("dt").build();
        Table t =
                catalog.createTable(
                        id,
                        SCHEMA,
                        spec,
                        Map.of(
                                TableProperties.FORMAT_VERSION,
                                "2",
                                TableProperties.PARQUET_COMPRESSION,
                                "zstd"));
        long start = System.nanoTime();
        GenericAppenderFactory appenders = new GenericAppenderFactory(SCHEMA, spec);
        OutputFileFactory files =
                OutputFileFactory.builderFor(t, 1, 1).format(FileFormat.PARQUET).build();
        List<DataFile> written = new ArrayList<>();
        long count = 0;
        InternalRecordWrapper wrapper = new InternalRecordWrapper(SCHEMA.asStruct());
        @SuppressWarnings("unchecked")
        DataWriter<Record>[] writers = new DataWriter[SPAN_SECONDS / 86_400];
        try {
            for (long i = 1; i <= rows; i++) {
                LocalDateTime ts = EPOCH.plusSeconds(i % SPAN_SECONDS);
                int day = (int) ((i % SPAN_SECONDS) / 86_400);
                Record r = order(i, ts);
                if (writers[day] == null) {
                    PartitionKey key = new PartitionKey(spec, SCHEMA);
                    key.partition(wrapper.wrap(r));
                    writers[day] =
                            appenders.newDataWriter(
                                    files.newOutputFile(spec, key), FileFormat.PARQUET, key);
                }
                writers[day].write(r);
                count++;
            }
        } finally {
            for (DataWriter<Record> w : writers) {
                if (w != null) {
                    w.close();
                    written.add(w.toDataFile());
                }
            }
        }
        var append = t.newAppend();
        written.forEach(append::appendFile);
        append.commit();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Run("limit: Iceberg's Parquet writer, no Flink", count, seconds, count == rows);
    }

    static Record order(long i, LocalDateTime ts) {
        GenericRecord r = GenericRecord.create(SCHEMA);
        r.setField("order_id", i);
        r.setField("customer", "c" + (i % 1000));
        r.setField("amount", BigDecimal.valueOf(i % 100000).setScale(2));
        r.setField("ts", ts);
        r.setField("dt", ts.toLocalDate());
        return r;
    }

    private TableEnvironment flink(int parallelism, String checkpoint) {
        // checkpoints in files, as pipelines keep them: the JobManager's memory takes 5 MB, and
        // the generator's state is larger, so each first checkpoint failed the job and the
        // contenders were timed with a restart from scratch
        return services.flink()
                .streamingTableEnvironment(
                        Map.of(
                                "parallelism.default",
                                Integer.toString(parallelism),
                                "execution.checkpointing.interval",
                                checkpoint,
                                "state.checkpoint-storage",
                                "filesystem",
                                "execution.checkpointing.dir",
                                work.resolve("checkpoints").toUri().toString()));
    }

    private void sequence(TableEnvironment env, long rows) {
        env.executeSql(
                // datagen emits 10,000 rows a second unless told: unthrottled, so the sinks and
                // not the generator set the pace
                "CREATE TEMPORARY TABLE gen (id BIGINT) WITH ('connector' = 'datagen',"
                        + " 'rows-per-second' = '1000000000',"
                        + " 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',"
                        + " 'fields.id.end' = '"
                        + rows
                        + "')");
        env.executeSql("CREATE TEMPORARY VIEW orders AS SELECT " + DERIVED + " FROM gen");
    }

    private String lakeOptions(String table, String extra) {
        S3Service s3 = services.s3();
        return "'connector' = 'tributary-lake', 'catalog.store' = '"
                + work.resolve("catalog")
                + "', 'warehouse' = 's3://"
                + BUCKET
                + "/lake', 'database' = '"
                + DB
                + "', 'table' = '"
                + table
                + "', 'partition-by' = 'dt', 's3.endpoint' = '"
                + s3.endpoint()
                + "', 's3.path-style' = 'true', 's3.access-key' = '"
                + S3Service.ACCESS_KEY
                + "', 's3.secret-key' = '"
                + S3Service.SECRET_KEY
                + "'"
                + extra;
    }

    /** Tributary's lake sink: a bounded Flink job (one writer) committing one snapshot. */
    Run lakeSink(long rows) throws Exception {
        String table = "lake_" + (runs++);
        TableEnvironment env = flink(1, "10 s");
        sequence(env, rows);
        env.executeSql(
                "CREATE TEMPORARY TABLE dst ("
                        + FLINK_COLUMNS
                        + ") WITH ("
                        + lakeOptions(table, "")
                        + ")");
        long start = System.nanoTime();
        env.executeSql("INSERT INTO dst SELECT * FROM orders").await(1, TimeUnit.HOURS);
        double seconds = (System.nanoTime() - start) / 1e9;
        Table t = catalog.loadTable(TableIdentifier.of(DB, table));
        long committed =
                Long.parseLong(t.currentSnapshot().summary().getOrDefault("total-records", "0"));
        return new Run(
                "Tributary lake sink (Flink + Iceberg)", committed, seconds, committed == rows);
    }

    /** Flink's filesystem sink writing Parquet under day partitions: files, no table. */
    Run filesystemParquet(long rows) throws Exception {
        String path = "s3://" + BUCKET + "/fs-" + (runs++) + "/";
        TableEnvironment env = flink(1, "10 s");
        sequence(env, rows);
        String options =
                "'connector' = 'filesystem', 'path' = '"
                        + path
                        + "', 'format' = 'parquet', 'parquet.compression' = 'ZSTD'";
        env.executeSql(
                "CREATE TEMPORARY TABLE dst ("
                        + FLINK_COLUMNS
                        + ") PARTITIONED BY (dt) WITH ("
                        + options
                        + ")");
        long start = System.nanoTime();
        env.executeSql("INSERT INTO dst SELECT * FROM orders").await(1, TimeUnit.HOURS);
        double seconds = (System.nanoTime() - start) / 1e9;
        // read back: every row in the files (a bounded scan; the last count is the total)
        TableEnvironment batch = flink(1, "10 s");
        batch.executeSql(
                "CREATE TEMPORARY TABLE back ("
                        + FLINK_COLUMNS
                        + ") PARTITIONED BY (dt) WITH ("
                        + options
                        + ")");
        long count = 0;
        try (CloseableIterator<Row> it = batch.executeSql("SELECT COUNT(*) FROM back").collect()) {
            while (it.hasNext()) {
                count = Math.max(count, ((Number) it.next().getField(0)).longValue());
            }
        }
        return new Run("Flink filesystem sink, Parquet", count, seconds, count == rows);
    }

    /**
     * Streams generated rows at {@code rate} into a lake table for {@code seconds} at 1 s
     * checkpoints with two writers; {@code compaction} null: none.
     */
    Stream stream(String name, int seconds, int rate, String compaction, boolean quick)
            throws Exception {
        String table = "stream_" + name;
        TableEnvironment env = flink(2, "1 s");
        env.executeSql(
                "CREATE TEMPORARY TABLE gen (id BIGINT) WITH ('connector' = 'datagen',"
                        + " 'rows-per-second' = '"
                        + rate
                        + "', 'fields.id.min' = '1', 'fields.id.max' = '1000000000')");
        env.executeSql(
                "CREATE TEMPORARY TABLE dst ("
                        + FLINK_COLUMNS
                        + ", made_at TIMESTAMP_LTZ(3)) WITH ("
                        + lakeOptions(
                                table,
                                ", 'compaction.interval' = '"
                                        + (compaction == null ? "0 s" : compaction)
                                        + "'")
                        + ")");
        TableResult result =
                env.executeSql(
                        "INSERT INTO dst SELECT " + DERIVED + ", CURRENT_ROW_TIMESTAMP() FROM gen");
        JobClient job = result.getJobClient().orElseThrow();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Thread.sleep(1000);
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                throw new IllegalStateException(
                        "the " + name + " stream ended: " + job.getJobStatus().get());
            }
        }
        Bench.cancelAndWait(job);
        Table t = catalog.loadTable(TableIdentifier.of(DB, table));
        List<Double> newest = new ArrayList<>();
        List<Double> oldest = new ArrayList<>();
        Snapshot lastReplace = null;
        int snapshots = 0;
        int compactions = 0;
        int madeAt = t.schema().findField("made_at").fieldId();
        for (Snapshot s : t.snapshots()) {
            snapshots++;
            if (s.operation().equals("replace")) {
                compactions++;
                lastReplace = s;
                continue;
            }
            long max = Long.MIN_VALUE;
            long min = Long.MAX_VALUE;
            for (DataFile f : s.addedDataFiles(t.io())) {
                max = Math.max(max, micros(f.upperBounds().get(madeAt)));
                min = Math.min(min, micros(f.lowerBounds().get(madeAt)));
            }
            if (max != Long.MIN_VALUE) {
                newest.add((s.timestampMillis() - max / 1000) / 1000.0);
                oldest.add((s.timestampMillis() - min / 1000) / 1000.0);
            }
        }
        Map<String, Integer> live = filesPerPartition(t, t.currentSnapshot().snapshotId());
        Map<String, Integer> compacted =
                lastReplace == null ? Map.of() : filesPerPartition(t, lastReplace.snapshotId());
        // of those, the files the compaction wrote; the others are what the stream committed
        // while the compaction ran (planned on an older snapshot, committed after them)
        Map<String, Integer> written = new java.util.TreeMap<>();
        if (lastReplace != null) {
            for (DataFile f : lastReplace.addedDataFiles(t.io())) {
                written.merge(
                        LocalDate.ofEpochDay(f.partition().get(0, Integer.class)).toString(),
                        1,
                        Integer::sum);
            }
        }
        double before = Double.NaN;
        double after = Double.NaN;
        if (lastReplace != null && lastReplace.parentId() != null && !quick) {
            double[] times = spark(table, lastReplace.parentId(), lastReplace.snapshotId());
            before = times[0];
            after = times[1];
        }
        long rows =
                Long.parseLong(t.currentSnapshot().summary().getOrDefault("total-records", "0"));
        return new Stream(
                name,
                rows,
                snapshots,
                live,
                compacted,
                written,
                compactions,
                percentile(newest, 0.5),
                percentile(newest, 0.95),
                percentile(oldest, 0.5),
                before,
                after);
    }

    private static long micros(ByteBuffer bound) {
        return bound == null ? 0 : (Long) Conversions.fromByteBuffer(Types.LongType.get(), bound);
    }

    private static double percentile(List<Double> xs, double p) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(xs);
        sorted.sort(null);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }

    private static Map<String, Integer> filesPerPartition(Table t, long snapshot)
            throws IOException {
        Map<String, Integer> files = new java.util.TreeMap<>();
        try (CloseableIterable<FileScanTask> tasks =
                t.newScan().useSnapshot(snapshot).planFiles()) {
            for (FileScanTask task : tasks) {
                LocalDate day = LocalDate.ofEpochDay(task.file().partition().get(0, Integer.class));
                files.merge(day.toString(), 1, Integer::sum);
            }
        }
        return files;
    }

    /**
     * Spark's read time (median of the last two of three rounds, in its own JVM through the REST
     * endpoint) of the table at {@code before} and at {@code after}; NaN when spark-client is not
     * built.
     */
    private double[] spark(String table, long before, long after) throws Exception {
        Path root = Path.of(System.getProperty("tributary.root", "."));
        if (!Files.exists(SparkClient.classpath(root))) {
            System.out.println("spark-client is not built: no Spark read times");
            return new double[] {Double.NaN, Double.NaN};
        }
        try (IcebergRestServer rest =
                IcebergRestServer.start(
                        catalog, "127.0.0.1", 0, null, IcebergStorage.forOtherEngines(s3()))) {
            String query = "SELECT count(*), sum(amount) FROM lake." + DB + "." + table;
            List<String> cmd =
                    SparkClient.command(
                            root,
                            rest.url(),
                            List.of(
                                    "--repeat",
                                    "3",
                                    query + " VERSION AS OF " + before,
                                    query + " VERSION AS OF " + after));
            Path log = work.resolve("spark-" + table + ".log");
            Process p =
                    new ProcessBuilder(cmd)
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                System.out.println("Spark failed; see " + log);
                return new double[] {Double.NaN, Double.NaN};
            }
            Map<Integer, List<Double>> times = new HashMap<>();
            for (String line : Files.readAllLines(log)) {
                String[] f = line.split("\t");
                if (f[0].equals("TIME") && !f[1].equals("0")) {
                    times.computeIfAbsent(Integer.parseInt(f[2]), q -> new ArrayList<>())
                            .add(Double.parseDouble(f[3]));
                }
            }
            return new double[] {
                times.get(0).stream().mapToDouble(d -> d).average().orElse(Double.NaN),
                times.get(1).stream().mapToDouble(d -> d).average().orElse(Double.NaN)
            };
        }
    }

    static String table(long rows, int rounds, List<Run> runs, List<Stream> streams) {
        Map<String, List<Double>> perContender = new LinkedHashMap<>();
        for (Run r : runs) {
            perContender
                    .computeIfAbsent(r.contender(), c -> new ArrayList<>())
                    .add(r.rowsPerSecond());
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        perContender.forEach(
                (c, xs) -> medians.put(c, Bench.median(xs.stream().mapToDouble(d -> d))));
        double limit = medians.values().iterator().next();
        double peer = medians.get("Flink filesystem sink, Parquet");
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| %,d orders, 4 partitions, one writer (median of %d) | rows/s | x limit |"
                                + " x Flink filesystem Parquet |%n",
                        rows,
                        rounds));
        sb.append("|---|---:|---:|---:|\n");
        medians.forEach(
                (c, v) ->
                        sb.append(
                                String.format(
                                        Locale.ROOT,
                                        "| %s | %,.0f | %.2f | %.2f |%n",
                                        c,
                                        v,
                                        v / limit,
                                        v / peer)));
        sb.append("\n");
        sb.append(
                "| streaming, 1 s checkpoints, 2 writers | rows | snapshots | data files per"
                        + " partition at the end | files per partition after the last compaction"
                        + " (of which the compaction wrote) |"
                        + " compactions | commit latency of the newest row, median / p95 (s) |"
                        + " of the oldest row, median (s) | Spark read before / after"
                        + " compaction (s) |\n");
        sb.append("|---|---:|---:|---|---|---:|---:|---:|---:|\n");
        for (Stream s : streams) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %s compaction | %,d | %d | %s | %s | %d | %.2f / %.2f | %.2f |"
                                    + " %.2f / %.2f |%n",
                            s.name(),
                            s.rows(),
                            s.snapshots(),
                            s.liveFilesPerPartition().values(),
                            s.compactedFilesPerPartition().isEmpty()
                                    ? "-"
                                    : s.compactedFilesPerPartition().values()
                                            + " ("
                                            + s.writtenByCompactionPerPartition().values()
                                            + ")",
                            s.compactions(),
                            s.newestRowLatencyMedian(),
                            s.newestRowLatencyP95(),
                            s.oldestRowLatencyMedian(),
                            s.sparkSecondsBefore(),
                            s.sparkSecondsAfter()));
        }
        return sb.toString();
    }

    private static void record(
            Path out,
            long rows,
            int rounds,
            int streamSeconds,
            int rate,
            List<Run> runs,
            Stream without,
            Stream with,
            String table)
            throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode doc = Bench.resultDoc("lake");
        doc.put("rows", rows);
        doc.put("rounds", rounds);
        doc.put("stream-seconds", streamSeconds);
        doc.put("stream-rate", rate);
        ArrayNode all = doc.putArray("runs");
        for (Run r : runs) {
            all.addObject()
                    .put("contender", r.contender())
                    .put("rows", r.rows())
                    .put("seconds", r.seconds())
                    .put("rows-per-second", r.rowsPerSecond())
                    .put("verified", r.verified());
        }
        ArrayNode streams = doc.putArray("streams");
        for (Stream s : List.of(without, with)) {
            ObjectNode n = streams.addObject();
            n.put("compaction", s.name());
            n.put("rows", s.rows());
            n.put("snapshots", s.snapshots());
            n.putPOJO("live-files-per-partition", s.liveFilesPerPartition());
            n.putPOJO("compacted-files-per-partition", s.compactedFilesPerPartition());
            n.putPOJO("written-by-compaction-per-partition", s.writtenByCompactionPerPartition());
            n.put("compactions", s.compactions());
            n.put("newest-row-latency-median-s", s.newestRowLatencyMedian());
            n.put("newest-row-latency-p95-s", s.newestRowLatencyP95());
            n.put("oldest-row-latency-median-s", s.oldestRowLatencyMedian());
            n.put("spark-read-before-s", s.sparkSecondsBefore());
            n.put("spark-read-after-s", s.sparkSecondsAfter());
        }
        Bench.append(
                out,
                "lake",
                json.writeValueAsString(doc),
                String.format(
                        Locale.ROOT,
                        "%n## lake, %s%n%nCommand: `bench/run.sh lake --rows %d --rounds %d"
                                + " --seconds %d --rate %d`; commit %s; %s; after an uncounted"
                                + " warm-up round on a tenth of the rows; the embedded S3 server"
                                + " (S3Proxy) on loopback, zstd Parquet everywhere, bench JVM"
                                + " -Xmx1g. Throughput times run from job submission to the"
                                + " commit (job start included); the limit writes and commits"
                                + " with no Flink.%n%n%s",
                        Instant.now().toString().substring(0, 16).replace('T', ' '),
                        rows,
                        rounds,
                        streamSeconds,
                        rate,
                        Bench.gitCommit(),
                        Bench.machine(),
                        table));
    }
}
