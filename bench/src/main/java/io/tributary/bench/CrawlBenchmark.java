package io.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlReport;
import io.tributary.catalog.crawler.Crawler;
import io.tributary.catalog.crawler.CrawlerOptions;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Partition;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.embedded.S3Service;
import io.tributary.objectstore.ObjectStore;
import io.tributary.objectstore.ObjectStores;
import io.tributary.objectstore.S3Settings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The crawl scenario: N files of mixed sizes under one prefix (JSON in Hive partitions, CSV in
 * unnamed ones) crawled into an empty catalog. Contenders: Tributary's crawler on the embedded S3
 * server and on local disk; the I/O floor (list + a ranged GET of each file's sample, nothing
 * parsed, same threads); and what a user would script instead (list, download every file whole,
 * parse every record, one thread).
 */
final class CrawlBenchmark {

    static final String TRIBUTARY_S3 = "tributary crawl s3:// (8 threads)";
    static final String TRIBUTARY_FILE = "tributary crawl file:// (8 threads)";
    static final String LIMIT = "list + sample GETs only (I/O floor)";
    static final String SCRIPT = "script: download + parse every file (1 thread)";
    static final String BUCKET = "crawl";

    /** One contender's run. */
    record Run(String contender, long files, double seconds, boolean verified) {
        double filesPerSecond() {
            return files / seconds;
        }
    }

    private final S3Service s3;
    private final Path work;
    private final int files;
    private final int eventDays;
    private final int orderFolders;
    private long bytes;

    CrawlBenchmark(S3Service s3, Path work, int files) {
        this.s3 = s3;
        this.work = work;
        this.files = files;
        this.eventDays = Math.max(1, Math.min(100, files / 80));
        this.orderFolders = Math.max(1, Math.min(20, files / 400));
    }

    long bytes() {
        return bytes;
    }

    /** Key and body of file {@code i}: 80% JSON events (500 B - 32 KB), 20% CSV orders. */
    private String[] file(int i) {
        StringBuilder b = new StringBuilder();
        int size = 500 << (i % 7); // 500 B .. 32 KB
        if (i % 5 != 4) {
            int day = (i / 5) % eventDays; // i % 5 picks the dataset; i / 5 spreads it
            String key =
                    String.format(
                            "lake/events/year=2026/month=%02d/day=%02d/part-%05d.json",
                            1 + day / 28, 1 + day % 28, i);
            long n = 0;
            while (b.length() < size) {
                b.append("{\"event_id\":")
                        .append((long) i * 1000 + n++)
                        .append(",\"user\":{\"id\":")
                        .append(n % 977)
                        .append(",\"agent\":\"m\"},\"kind\":\"click\",\"value\":")
                        .append(n % 3 == 0 ? "1.5" : "2")
                        .append(",\"tags\":[\"a\",\"b\"]}\n");
            }
            return new String[] {key, b.toString()};
        }
        String key = String.format("lake/orders/%03d/part-%05d.csv", (i / 5) % orderFolders, i);
        b.append("order_id,customer_id,amount,placed\n");
        long n = 0;
        while (b.length() < size) {
            b.append(i * 1000L + n++)
                    .append(',')
                    .append(n % 500)
                    .append(',')
                    .append(n % 97)
                    .append(".25,2026-11-24\n");
        }
        return new String[] {key, b.toString()};
    }

    void generate() throws Exception {
        s3.createBucket(BUCKET);
        AtomicLong total = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (S3Client client = s3.client()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < files; i++) {
                final int n = i;
                done.add(
                        pool.submit(
                                () -> {
                                    String[] f = file(n);
                                    byte[] body = f[1].getBytes(StandardCharsets.UTF_8);
                                    total.addAndGet(body.length);
                                    client.putObject(
                                            b -> b.bucket(BUCKET).key(f[0]),
                                            RequestBody.fromBytes(body));
                                    Path local = work.resolve("files").resolve(f[0]);
                                    Files.createDirectories(local.getParent());
                                    Files.write(local, body);
                                    return null;
                                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        bytes = total.get();
    }

    private S3Settings settings() {
        return new S3Settings(
                s3.endpoint(), S3Service.REGION, true, S3Service.ACCESS_KEY, S3Service.SECRET_KEY);
    }

    List<Run> runAll(int rounds) throws Exception {
        List<Run> runs = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            runs.add(tributary(TRIBUTARY_S3, "s3://" + BUCKET + "/lake/", r));
            runs.add(limit());
            runs.add(tributary(TRIBUTARY_FILE, work.resolve("files/lake").toUri().toString(), r));
            runs.add(script());
        }
        return runs;
    }

    private Run tributary(String name, String location, int round) throws Exception {
        Path home = work.resolve("home-" + name.hashCode() + "-" + round);
        SchemaRegistry registry = SchemaRegistry.open(home.resolve("registry"));
        CatalogStore store = CatalogStores.embedded(home.resolve("catalog"));
        try (CatalogService catalog = new CatalogService(store, registry, store, registry);
                ObjectStore objects = ObjectStores.open(location, settings())) {
            long t0 = System.nanoTime();
            CrawlReport report =
                    new Crawler(catalog, objects, CrawlerOptions.defaults("bench"), null).crawl();
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Run(name, report.filesListed(), seconds, verify(catalog, report));
        }
    }

    /** Two tables, every file counted in a partition, every partition found. */
    private boolean verify(CatalogService catalog, CrawlReport report) {
        List<CatalogTable> tables = catalog.store().tables("bench");
        if (tables.size() != 2 || report.skippedTotal() != 0 || report.filesListed() != files) {
            System.err.println("crawl: unexpected result " + report.summary());
            return false;
        }
        long counted = 0;
        int partitions = 0;
        for (CatalogTable t : tables) {
            for (Partition p : catalog.store().partitions("bench", t.name())) {
                counted += p.fileCount();
                partitions++;
            }
        }
        return counted == files && partitions == eventDays + orderFolders;
    }

    private Run limit() throws Exception {
        long t0 = System.nanoTime();
        List<String> keys = list();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicLong read = new AtomicLong();
        try (S3Client client = settings().client()) {
            List<Future<?>> done = new ArrayList<>();
            for (String key : keys) {
                done.add(
                        pool.submit(
                                () -> {
                                    try (InputStream in =
                                            client.getObject(
                                                    GetObjectRequest.builder()
                                                            .bucket(BUCKET)
                                                            .key(key)
                                                            .range("bytes=0-1048575")
                                                            .build())) {
                                        read.addAndGet(in.readAllBytes().length);
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Run(LIMIT, keys.size(), seconds, keys.size() == files && read.get() == bytes);
    }

    private List<String> list() {
        List<String> keys = new ArrayList<>();
        try (S3Client client = settings().client()) {
            for (S3Object o :
                    client.listObjectsV2Paginator(
                                    ListObjectsV2Request.builder()
                                            .bucket(BUCKET)
                                            .prefix("lake/")
                                            .build())
                            .contents()) {
                keys.add(o.key());
            }
        }
        return keys;
    }

    /** A user's script: every file downloaded and every record parsed, column names collected. */
    private Run script() throws IOException {
        ObjectMapper json = new ObjectMapper();
        long t0 = System.nanoTime();
        List<String> keys = list();
        Set<String> eventColumns = new HashSet<>();
        Set<String> orderColumns = new HashSet<>();
        try (S3Client client = settings().client()) {
            for (String key : keys) {
                try (BufferedReader in =
                        new BufferedReader(
                                new InputStreamReader(
                                        client.getObject(b -> b.bucket(BUCKET).key(key)),
                                        StandardCharsets.UTF_8))) {
                    String line;
                    boolean first = true;
                    while ((line = in.readLine()) != null) {
                        if (key.endsWith(".json")) {
                            JsonNode n = json.readTree(line);
                            n.fieldNames().forEachRemaining(eventColumns::add);
                        } else if (first) {
                            orderColumns.addAll(List.of(line.split(",")));
                        }
                        first = false;
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Run(
                SCRIPT,
                keys.size(),
                seconds,
                keys.size() == files && eventColumns.size() == 5 && orderColumns.size() == 4);
    }
}
