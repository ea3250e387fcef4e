package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CatalogCrawler;
import io.tributary.catalog.crawler.CrawlListener;
import io.tributary.catalog.crawler.CrawlReport;
import io.tributary.catalog.crawler.Crawler;
import io.tributary.catalog.crawler.CrawlerOptions;
import io.tributary.catalog.crawler.JdbcCrawler;
import io.tributary.catalog.iceberg.IcebergTwins;
import io.tributary.objectstore.ObjectStore;
import io.tributary.objectstore.ObjectStores;
import io.tributary.objectstore.S3Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tributary crawl <location> --database <db>}: Glue's crawler, once or continuously. */
@Command(
        name = "crawl",
        mixinStandardHelpOptions = true,
        description = {
            "Infer tables, schemas and partitions from s3://bucket/prefix/, file:///folder/ or a"
                    + " jdbc:mysql:// / jdbc:postgresql:// database into the catalog; every schema"
                    + " change becomes a schema-registry version.",
            "Progress goes to stderr; the summary (or --json) to stdout."
        })
final class CrawlCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin HomeOption home = new HomeOption();
    @Mixin CatalogAccess access = new CatalogAccess();
    @Mixin S3Access s3 = new S3Access();
    @Mixin JdbcCredentials credentials = new JdbcCredentials();

    @Parameters(index = "0", paramLabel = "LOCATION", description = "What to crawl.")
    String location;

    @Option(
            names = "--database",
            required = true,
            paramLabel = "DB",
            description = "Catalog database the tables go to (created if missing).")
    String database;

    @Option(names = "--watch", description = "Keep crawling: new files show up within seconds.")
    boolean watch;

    @Option(
            names = "--interval",
            paramLabel = "DURATION",
            defaultValue = "PT5S",
            converter = DurationConverter.class,
            description = "Time between passes with --watch (e.g. 5s, 1m; default 5s).")
    Duration interval;

    @Option(names = "--max-passes", hidden = true, description = "Stop --watch after N passes.")
    int maxPasses;

    @Option(names = "--json", description = "Print each pass's report as one JSON line.")
    boolean json;

    @Option(
            names = "--exclude",
            paramLabel = "GLOB",
            description = "Keys to leave out, relative to LOCATION (e.g. 'tmp/**', '**.log').")
    List<String> excludes = new ArrayList<>();

    @Option(
            names = "--schema-change",
            defaultValue = "UPDATE",
            description =
                    "When a table's schema changed: ${COMPLETION-CANDIDATES} (default update).")
    CrawlerOptions.SchemaChangePolicy schemaChange;

    @Option(
            names = "--on-delete",
            defaultValue = "DEPRECATE",
            description = "When data is gone: ${COMPLETION-CANDIDATES} (default deprecate).")
    CrawlerOptions.DeletePolicy onDelete;

    @Option(
            names = "--recrawl",
            defaultValue = "EVERYTHING",
            description = "Re-read ${COMPLETION-CANDIDATES} (default everything).")
    CrawlerOptions.Recrawl recrawl;

    @Option(
            names = "--table-threshold",
            paramLabel = "N",
            description = "Fail without writing when a crawl would make more than N tables.")
    int tableThreshold;

    @Option(
            names = "--tables",
            paramLabel = "PATTERN",
            description = "JDBC: table name pattern (SQL LIKE, default all).")
    String tables;

    @Option(
            names = "--schema",
            paramLabel = "PATTERN",
            description = "PostgreSQL: schema pattern (default public).")
    String schema;

    @Option(
            names = "--json-path",
            paramLabel = "PATH",
            description =
                    "Where JSON documents hold their records, as Glue's custom JSON classifier"
                            + " (e.g. '$.features[*]' for GeoJSON); the tables keep it for readers.")
    String jsonPath;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = home.resolve();
        CrawlerOptions options;
        try {
            options =
                    new CrawlerOptions(
                            database,
                            excludes,
                            schemaChange,
                            onDelete,
                            recrawl,
                            tableThreshold,
                            0,
                            0,
                            0,
                            jsonPath);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        Progress progress = new Progress(err);
        AtomicInteger passes = new AtomicInteger();
        ObjectStore store = null;
        S3Settings settings = null;
        try (CatalogService catalog = access.open(dir, err)) {
            CatalogCrawler crawler;
            if (location.startsWith("jdbc:")) {
                crawler =
                        new JdbcCrawler(
                                catalog,
                                new JdbcCrawler.Source(
                                        location,
                                        credentials.user,
                                        credentials.password(),
                                        schema,
                                        tables),
                                options,
                                progress);
            } else {
                settings = s3.settings(location, dir, err);
                store = ObjectStores.open(location, settings);
                crawler = new Crawler(catalog, store, options, progress);
            }
            S3Settings files = settings;
            boolean objects = store != null;
            if (!watch) {
                CrawlReport r = crawler.crawl();
                print(out, r, objects ? syncIceberg(catalog, files, err) : List.of());
                return r.refused().isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
            }
            err.println(
                    "crawl: watching "
                            + location
                            + " every "
                            + interval.toMillis() / 1000.0
                            + " s (Ctrl-C stops)");
            crawler.watch(
                    interval,
                    r -> {
                        // the Iceberg tables registered over this location follow each pass
                        List<IcebergTwins.SyncReport> synced =
                                objects ? syncIceberg(catalog, files, err) : List.of();
                        if (passes.incrementAndGet() == 1
                                || r.changedCatalog()
                                || !r.refused().isEmpty()
                                || synced.stream().anyMatch(IcebergTwins.SyncReport::changed)) {
                            print(out, r, synced);
                        }
                    },
                    () -> maxPasses > 0 && passes.get() >= maxPasses);
            return ExitCodes.OK;
        } finally {
            if (store != null) {
                store.close();
            }
        }
    }

    /**
     * Commits the new files of the crawled tables registered as Iceberg tables; a failure is
     * reported and retried with the next pass, the crawl's own work stands.
     */
    private List<IcebergTwins.SyncReport> syncIceberg(
            CatalogService catalog, S3Settings files, PrintWriter err) {
        try {
            return RegisterIcebergCommand.syncAfterCrawl(catalog, database, files);
        } catch (RuntimeException e) {
            err.println(
                    "crawl: updating the Iceberg tables registered over it failed: "
                            + Errors.describe(e));
            err.flush();
            return List.of();
        }
    }

    private void print(PrintWriter out, CrawlReport r, List<IcebergTwins.SyncReport> synced) {
        if (json) {
            ObjectNode n = toJson(r);
            if (!synced.isEmpty()) {
                ArrayNode a = n.putArray("iceberg");
                synced.forEach(s -> a.add(RegisterIcebergCommand.toJson(s)));
            }
            out.println(n);
        } else {
            out.println("crawl " + r.location() + " -> " + r.database() + ": " + r.summary());
            for (String t : r.tablesCreated()) {
                out.println("  + " + r.database() + "." + t);
            }
            for (String t : r.tablesUpdated()) {
                out.println("  ~ " + r.database() + "." + t);
            }
            for (String t : r.tablesDeprecated()) {
                out.println("  ! " + r.database() + "." + t + " deprecated (no longer found)");
            }
            for (String t : r.tablesDeleted()) {
                out.println("  - " + r.database() + "." + t + " deleted (no longer found)");
            }
            r.refused().forEach(m -> out.println("  REFUSED " + m));
            r.logged().forEach(m -> out.println("  note: " + m));
            r.skipped().stream()
                    .limit(10)
                    .forEach(s -> out.println("  skipped " + s.file() + ": " + s.reason()));
            if (r.skippedTotal() > 10) {
                out.println("  ... and " + (r.skippedTotal() - 10) + " more skipped (see --json)");
            }
            for (IcebergTwins.SyncReport s : synced) {
                if (s.changed()) {
                    out.println("  iceberg " + s.summary());
                }
            }
        }
        out.flush();
    }

    static ObjectNode toJson(CrawlReport r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("location", r.location());
        n.put("database", r.database());
        n.put("filesListed", r.filesListed());
        n.put("filesSampled", r.filesSampled());
        n.put("bytesListed", r.bytesListed());
        n.put("skippedTotal", r.skippedTotal());
        var skipped = n.putArray("skipped");
        r.skipped()
                .forEach(s -> skipped.addObject().put("file", s.file()).put("reason", s.reason()));
        n.set("tablesCreated", JSON.valueToTree(r.tablesCreated()));
        n.set("tablesUpdated", JSON.valueToTree(r.tablesUpdated()));
        n.set("tablesUnchanged", JSON.valueToTree(r.tablesUnchanged()));
        n.set("tablesDeprecated", JSON.valueToTree(r.tablesDeprecated()));
        n.set("tablesDeleted", JSON.valueToTree(r.tablesDeleted()));
        n.put("partitionsAdded", r.partitionsAdded());
        n.put("partitionsUpdated", r.partitionsUpdated());
        n.put("partitionsRemoved", r.partitionsRemoved());
        n.put("versionsRegistered", r.versionsRegistered());
        n.set("refused", JSON.valueToTree(r.refused()));
        n.set("logged", JSON.valueToTree(r.logged()));
        n.put("tookMs", r.took().toMillis());
        return n;
    }

    /** Prints progress to stderr at most once a second. */
    private static final class Progress implements CrawlListener {
        private final PrintWriter err;
        private volatile long last;

        Progress(PrintWriter err) {
            this.err = err;
        }

        private synchronized void say(String line, boolean force) {
            long now = System.nanoTime();
            if (force || now - last > 1_000_000_000L) {
                last = now;
                err.println("crawl: " + line);
                err.flush();
            }
        }

        @Override
        public void listed(long files) {
            say(String.format(Locale.ROOT, "%,d files listed", files), false);
        }

        @Override
        public void sampled(long done, long total) {
            say(String.format(Locale.ROOT, "%,d/%,d sampled", done, total), done == total);
        }

        @Override
        public void failed(Exception e) {
            say("pass failed, retrying: " + Errors.describe(e), true);
        }
    }

    /** Reads 5s, 2m, 500ms or ISO-8601 (PT5S). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            String s = v.trim().toLowerCase(Locale.ROOT);
            if (s.startsWith("pt") || s.startsWith("p")) {
                return Duration.parse(v.trim().toUpperCase(Locale.ROOT));
            }
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default ->
                        throw new CommandLine.TypeConversionException(
                                "'" + v + "' is not a duration (use 5s, 2m, 1h or 500ms)");
            };
        }
    }
}
