package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.embedded.EmbeddedServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The scale scenario: the load scenario's S3 JSON → PostgreSQL run at 1×, 4× and 16× the rows (same
 * files count, so files grow too), each size on freshly started services. Tributary's sink (files
 * staged, its fastest mode) beside the COPY limit at each size: time should grow linearly and the
 * heap stay flat.
 */
final class ScaleBenchmark {

    static final int[] FACTORS = {1, 4, 16};

    /** One size: the rows, and the two contenders' runs at that size. */
    record Size(
            int factor,
            long rows,
            long jsonBytes,
            LoadBenchmark.Run limit,
            LoadBenchmark.Run tributary) {}

    private ScaleBenchmark() {}

    static boolean run(long baseRows, int files, int parallelism, boolean quick, Path out)
            throws Exception {
        System.out.printf(
                "scale: %,d JSON rows on S3 -> PostgreSQL at 1x, 4x and 16x, %d files,"
                        + " parallelism %d%n",
                baseRows, files, parallelism);
        List<Size> sizes = new ArrayList<>();
        for (int factor : FACTORS) {
            long rows = baseRows * factor;
            Path work = Files.createTempDirectory("tributary-bench-");
            try (EmbeddedServices services = LoadBenchmark.startServices(work)) {
                System.out.printf("%dx: %,d rows%n", factor, rows);
                LoadBenchmark load = new LoadBenchmark(services, rows, files, parallelism);
                load.generate();
                LoadBenchmark.Run limit = load.copyLimit();
                LoadBenchmark.Run tributary = load.tributary();
                sizes.add(new Size(factor, rows, load.jsonBytes(), limit, tributary));
            } finally {
                Bench.deleteTree(work);
            }
        }
        String table = table(sizes);
        System.out.println();
        System.out.println(table);
        boolean ok = sizes.stream().allMatch(s -> s.limit().verified() && s.tributary().verified());
        if (!quick) {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode doc = Bench.resultDoc("scale");
            doc.put("parallelism", parallelism);
            doc.put("files", files);
            ArrayNode arr = doc.putArray("sizes");
            for (Size s : sizes) {
                ObjectNode n = arr.addObject();
                n.put("factor", s.factor());
                n.put("rows", s.rows());
                n.put("json-bytes", s.jsonBytes());
                for (LoadBenchmark.Run r : List.of(s.limit(), s.tributary())) {
                    ObjectNode c = n.putObject(r.contender());
                    c.put("seconds", r.seconds());
                    c.put("rows-per-second", r.rowsPerSecond());
                    c.put("peak-heap-bytes", r.peakHeapBytes());
                    c.put("verified", r.verified());
                }
            }
            Bench.append(
                    out,
                    "scale",
                    json.writeValueAsString(doc),
                    String.format(
                            Locale.ROOT,
                            "%n## scale, %s%n%nCommand: `bench/run.sh scale --rows %d --files %d`;"
                                    + " commit %s; %s; parallelism %d, one run per size on freshly"
                                    + " started services, bench JVM -Xmx1g.%n%n%s",
                            Instant.now().toString().substring(0, 16).replace('T', ' '),
                            baseRows,
                            files,
                            Bench.gitCommit(),
                            Bench.machine(),
                            parallelism,
                            table));
        }
        return ok;
    }

    static String table(List<Size> sizes) {
        Size base = sizes.get(0);
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| size | rows | MB of JSON | contender | seconds | rows/s | x limit | time / 1x"
                        + " time | peak heap MB |\n");
        sb.append("|---|---:|---:|---|---:|---:|---:|---:|---:|\n");
        for (Size s : sizes) {
            for (LoadBenchmark.Run r : List.of(s.limit(), s.tributary())) {
                LoadBenchmark.Run baseRun =
                        r.contender().equals(base.limit().contender())
                                ? base.limit()
                                : base.tributary();
                sb.append(
                        String.format(
                                Locale.ROOT,
                                "| %dx | %,d | %.0f | %s | %.1f | %,.0f | %.2f | %.1f | %d |%n",
                                s.factor(),
                                s.rows(),
                                s.jsonBytes() / 1e6,
                                r.contender(),
                                r.seconds(),
                                r.rowsPerSecond(),
                                r.rowsPerSecond() / s.limit().rowsPerSecond(),
                                r.seconds() / baseRun.seconds(),
                                r.peakHeapBytes() >> 20));
            }
        }
        return sb.toString();
    }
}
