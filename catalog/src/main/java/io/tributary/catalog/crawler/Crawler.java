package io.tributary.catalog.crawler;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlerOptions.Recrawl;
import io.tributary.catalog.crawler.RememberedFiles.Seen;
import io.tributary.catalog.crawler.TableLayout.Candidate;
import io.tributary.catalog.crawler.TableLayout.Sampled;
import io.tributary.catalog.model.CatalogDatabase;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Partition;
import io.tributary.catalog.store.CatalogException;
import io.tributary.catalog.store.CrawlerStore;
import io.tributary.objectstore.ObjectInfo;
import io.tributary.objectstore.ObjectStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Glue's crawler, continuously: lists a location, samples each new or changed file (bounded, in
 * parallel), decides tables and partitions ({@link TableLayout}), widens conflicting types with the
 * one rule, and writes the result to the catalog, registering a schema version where a table's
 * schema changed. Between passes of {@link #watch} it remembers what each file said, so a pass
 * samples only what is new; a defined crawler ({@link #remembering}) keeps that in the catalog
 * store, across restarts.
 */
public final class Crawler implements CatalogCrawler {

    private static final Logger LOG = LoggerFactory.getLogger(Crawler.class);
    private static final int MAX_SKIPPED_REPORTED = 100;

    private final CatalogService catalog;
    private final ObjectStore store;
    private final CrawlerOptions options;
    private final CrawlListener listener;
    private final List<PathMatcher> excludes = new ArrayList<>();
    private final Map<String, Seen> cache = new HashMap<>();
    private RememberedFiles memory;
    private boolean recalled;

    public Crawler(
            CatalogService catalog,
            ObjectStore store,
            CrawlerOptions options,
            CrawlListener listener) {
        this.catalog = catalog;
        this.store = store;
        this.options = options;
        this.listener = listener == null ? CrawlListener.NONE : listener;
        for (String glob : options.excludes()) {
            excludes.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
    }

    /**
     * Keeps what each file said in the catalog store, as crawler {@code name}'s state: the first
     * pass reads it back, so a restarted crawler samples only files new or changed since.
     */
    public Crawler remembering(CrawlerStore crawlers, String name) {
        this.memory = new RememberedFiles(crawlers, name, store.location());
        this.recalled = false;
        return this;
    }

    /** One full pass: every partition's last-seen time is refreshed. */
    @Override
    public CrawlReport crawl() throws IOException {
        return pass(true);
    }

    /**
     * Crawls now, then again every {@code interval} until {@code stop} says so; each pass samples
     * only new or changed files. A failed pass (S3 unreachable, ...) is reported and retried.
     */
    @Override
    public void watch(Duration interval, Consumer<CrawlReport> onPass, BooleanSupplier stop)
            throws InterruptedException {
        boolean first = true;
        while (!stop.getAsBoolean()) {
            try {
                onPass.accept(pass(first));
                first = false;
            } catch (IOException | RuntimeException e) {
                LOG.warn("Crawl pass over {} failed; retrying", store.location(), e);
                listener.failed(e);
            }
            long until = System.nanoTime() + interval.toNanos();
            while (!stop.getAsBoolean() && System.nanoTime() < until) {
                Thread.sleep(Math.min(100, Math.max(1, interval.toMillis())));
            }
        }
    }

    private boolean excluded(String key) {
        for (String part : key.split("/")) {
            if (part.startsWith("_") || part.startsWith(".")) {
                return true; // _SUCCESS, _temporary/, .crc, hidden files: never data
            }
        }
        if (key.endsWith(".crc")) {
            return true;
        }
        for (PathMatcher m : excludes) {
            if (m.matches(Path.of(key))) {
                return true;
            }
        }
        return false;
    }

    CrawlReport pass(boolean refreshAll) throws IOException {
        long started = System.nanoTime();
        Instant now = Instant.now();
        String db = options.database();
        catalog.store().createDatabase(CatalogDatabase.named(db), true);
        if (memory != null && !recalled) {
            cache.putAll(memory.load());
            recalled = true;
        }

        List<ObjectInfo> files = listing();
        Set<String> firstKeys = new HashSet<>();
        files.forEach(f -> firstKeys.add(f.key()));
        if (!firstKeys.containsAll(cache.keySet())) {
            // files seen before are missing: a second listing confirms it, so that a listing cut
            // short (a store answering a partial page under load) makes the crawler forget
            // nothing; a file is gone when both miss it
            Map<String, ObjectInfo> both = new LinkedHashMap<>();
            files.forEach(f -> both.put(f.key(), f));
            for (ObjectInfo f : listing()) {
                both.put(f.key(), f);
            }
            if (both.size() > files.size()) {
                LOG.warn(
                        "{}: a listing missed {} file(s) the next one found; both were used",
                        store.location(),
                        both.size() - files.size());
            }
            files = new ArrayList<>(both.values());
        }
        AtomicLong bytes = new AtomicLong();
        files.forEach(f -> bytes.addAndGet(f.size()));

        Map<String, CatalogTable> owned = new LinkedHashMap<>();
        Set<String> others = new HashSet<>();
        for (CatalogTable t : catalog.store().tables(db)) {
            if (store.location().equals(t.properties().get(CatalogTable.CRAWLER_LOCATION))) {
                owned.put(t.name(), t);
            } else {
                others.add(t.name());
            }
        }
        Map<String, CatalogTable> knownFolders = new HashMap<>();
        if (options.recrawl() == Recrawl.NEW_FOLDERS) {
            for (CatalogTable t : owned.values()) {
                for (Partition p : catalog.store().partitions(db, t.name())) {
                    knownFolders.put(p.location(), t);
                }
            }
        }

        Set<String> listedKeys = new HashSet<>();
        List<ObjectInfo> toSample = new ArrayList<>();
        Map<String, Seen> changed = new HashMap<>();
        for (ObjectInfo f : files) {
            listedKeys.add(f.key());
            Seen c = cache.get(f.key());
            if (c != null
                    && c.size() == f.size()
                    && Objects.equals(c.modified(), f.lastModified())) {
                continue;
            }
            CatalogTable known = knownFolders.get(store.uri(parent(f.key())));
            if (known != null && c == null) {
                // Recrawl.NEW_FOLDERS: a file in a folder the catalog has: take the table's schema
                Seen taken =
                        new Seen(
                                f.size(),
                                f.lastModified(),
                                new FileSchema(
                                        known.format(),
                                        known.formatOptions(),
                                        known.rowType(),
                                        0,
                                        null));
                cache.put(f.key(), taken);
                changed.put(f.key(), taken);
                continue;
            }
            toSample.add(f);
        }
        Set<String> vanished = new HashSet<>(cache.keySet());
        vanished.removeAll(listedKeys);
        cache.keySet().retainAll(listedKeys);
        sample(toSample);
        if (memory != null) {
            toSample.forEach(f -> changed.put(f.key(), cache.get(f.key())));
            memory.save(changed, vanished);
        }

        List<Sampled> classified = new ArrayList<>();
        List<CrawlReport.Skipped> skipped = new ArrayList<>();
        long skippedTotal = 0;
        for (ObjectInfo f : files) {
            FileSchema s = cache.get(f.key()).schema();
            if (s.classified()) {
                classified.add(new Sampled(f, s));
            } else {
                skippedTotal++;
                if (skipped.size() < MAX_SKIPPED_REPORTED) {
                    skipped.add(new CrawlReport.Skipped(store.uri(f.key()), s.problem()));
                }
            }
        }

        List<Candidate> candidates = new ArrayList<>();
        for (Candidate c : TableLayout.resolve(classified, rootName())) {
            // a name another location (or a user) already has: never take that table over
            String name = c.name();
            if (others.contains(name)) {
                String hash = Integer.toHexString(store.uri(c.prefix()).hashCode() & 0x7fffffff);
                name = name + "_" + hash;
            }
            candidates.add(name.equals(c.name()) ? c : c.renamed(name));
        }
        if (options.tableThreshold() > 0 && candidates.size() > options.tableThreshold()) {
            throw new CatalogException(
                    "The crawl of "
                            + store.location()
                            + " would make "
                            + candidates.size()
                            + " tables, more than the threshold of "
                            + options.tableThreshold()
                            + "; nothing was written. Exclude folders, crawl a narrower prefix, or"
                            + " raise the threshold. First tables: "
                            + candidates.stream().limit(10).map(Candidate::name).toList());
        }
        listener.resolved(candidates.size());

        PassOutcome out = new PassOutcome();
        out.skipped = skipped;
        CandidateWriter writer = new CandidateWriter(catalog, store, options);
        Set<String> seen = new HashSet<>();
        for (Candidate c : candidates) {
            seen.add(c.name());
            writer.apply(c, owned.get(c.name()), now, refreshAll, out);
        }
        for (CatalogTable gone : owned.values()) {
            if (!seen.contains(gone.name())) {
                out.tableGone(catalog, gone, options.onDelete(), store.location());
            }
        }
        return out.report(
                store.location(),
                db,
                files.size(),
                toSample.size(),
                bytes.get(),
                skippedTotal,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** The files under the location the options do not exclude, progress reported. */
    private List<ObjectInfo> listing() throws IOException {
        List<ObjectInfo> files = new ArrayList<>();
        store.list(
                o -> {
                    if (!excluded(o.key())) {
                        files.add(o);
                        if (files.size() % 1000 == 0) {
                            listener.listed(files.size());
                        }
                    }
                });
        listener.listed(files.size());
        return files;
    }

    private static String parent(String key) {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? "" : key.substring(0, slash + 1);
    }

    private String rootName() {
        String loc = store.location();
        if (loc.startsWith("file:")) {
            // the folder's own name, not its URI form ("Sales%20Q4" for "Sales Q4")
            Path folder = Path.of(URI.create(loc)).getFileName();
            return folder == null ? "root" : folder.toString();
        }
        String path = loc.substring(loc.indexOf("://") + 3);
        path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.isEmpty() ? "root" : name;
    }

    private void sample(List<ObjectInfo> toSample) throws IOException {
        if (toSample.isEmpty()) {
            return;
        }
        FileClassifier classifier =
                new FileClassifier(
                        store,
                        options.sampleBytes(),
                        options.sampleRecords(),
                        options.jsonPath() == null
                                ? null
                                : JsonRecordPath.parse(options.jsonPath()));
        AtomicLong done = new AtomicLong();
        ExecutorService pool =
                Executors.newFixedThreadPool(
                        Math.min(options.threads(), toSample.size()),
                        r -> {
                            Thread t = new Thread(r, "tributary-crawler");
                            t.setDaemon(true);
                            return t;
                        });
        try {
            List<Future<FileSchema>> results = new ArrayList<>();
            for (ObjectInfo f : toSample) {
                results.add(
                        pool.submit(
                                () -> {
                                    FileSchema s = classifier.classify(f);
                                    long n = done.incrementAndGet();
                                    if (n % 100 == 0 || n == toSample.size()) {
                                        listener.sampled(n, toSample.size());
                                    }
                                    return s;
                                }));
            }
            for (int i = 0; i < toSample.size(); i++) {
                ObjectInfo f = toSample.get(i);
                cache.put(f.key(), new Seen(f.size(), f.lastModified(), results.get(i).get()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while sampling " + store.location(), e);
        } catch (ExecutionException e) {
            throw new IOException("Sampling failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
