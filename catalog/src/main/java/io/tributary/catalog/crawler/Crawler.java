package io.tributary.catalog.crawler;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlerOptions.Recrawl;
import io.tributary.catalog.crawler.CrawlerOptions.SchemaChangePolicy;
import io.tributary.catalog.crawler.TableLayout.Candidate;
import io.tributary.catalog.crawler.TableLayout.Sampled;
import io.tributary.catalog.model.CatalogDatabase;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.DataType;
import io.tributary.catalog.model.DataType.Field;
import io.tributary.catalog.model.DataType.Struct;
import io.tributary.catalog.model.Partition;
import io.tributary.catalog.model.TypeWidening;
import io.tributary.catalog.store.CatalogException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * samples only what is new.
 */
public final class Crawler implements CatalogCrawler {

    private static final Logger LOG = LoggerFactory.getLogger(Crawler.class);
    private static final int MAX_SKIPPED_REPORTED = 100;

    private final CatalogService catalog;
    private final ObjectStore store;
    private final CrawlerOptions options;
    private final CrawlListener listener;
    private final List<PathMatcher> excludes = new ArrayList<>();
    private final Map<String, Cached> cache = new HashMap<>();

    private record Cached(long size, Instant modified, FileSchema schema) {}

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

        List<ObjectInfo> files = new ArrayList<>();
        AtomicLong bytes = new AtomicLong();
        store.list(
                o -> {
                    if (!excluded(o.key())) {
                        files.add(o);
                        bytes.addAndGet(o.size());
                        if (files.size() % 1000 == 0) {
                            listener.listed(files.size());
                        }
                    }
                });
        listener.listed(files.size());

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
        for (ObjectInfo f : files) {
            listedKeys.add(f.key());
            Cached c = cache.get(f.key());
            if (c != null
                    && c.size() == f.size()
                    && Objects.equals(c.modified(), f.lastModified())) {
                continue;
            }
            CatalogTable known = knownFolders.get(store.uri(parent(f.key())));
            if (known != null && c == null) {
                // Recrawl.NEW_FOLDERS: a file in a folder the catalog has: take the table's schema
                cache.put(
                        f.key(),
                        new Cached(
                                f.size(),
                                f.lastModified(),
                                new FileSchema(
                                        known.format(),
                                        known.formatOptions(),
                                        known.rowType(),
                                        0,
                                        null)));
                continue;
            }
            toSample.add(f);
        }
        cache.keySet().retainAll(listedKeys);
        sample(toSample);

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

        Outcome out = new Outcome();
        out.skipped = skipped;
        Set<String> seen = new HashSet<>();
        for (Candidate c : candidates) {
            seen.add(c.name());
            apply(c, owned.get(c.name()), now, refreshAll, out);
        }
        for (CatalogTable gone : owned.values()) {
            if (!seen.contains(gone.name())) {
                tableGone(gone, out);
            }
        }
        return new CrawlReport(
                store.location(),
                db,
                files.size(),
                toSample.size(),
                bytes.get(),
                List.copyOf(out.skipped),
                skippedTotal + out.extraSkipped,
                out.created,
                out.updated,
                out.unchanged,
                out.deprecated,
                out.deleted,
                out.partitionsAdded,
                out.partitionsUpdated,
                out.partitionsRemoved,
                out.versions,
                out.refused,
                out.logged,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private static String parent(String key) {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? "" : key.substring(0, slash + 1);
    }

    private String rootName() {
        String loc = store.location();
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
                new FileClassifier(store, options.sampleBytes(), options.sampleRecords());
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
                cache.put(f.key(), new Cached(f.size(), f.lastModified(), results.get(i).get()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while sampling " + store.location(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("Sampling failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** What a pass did to the catalog, gathered table by table. */
    private static final class Outcome {
        List<CrawlReport.Skipped> skipped;
        long extraSkipped;
        final List<String> created = new ArrayList<>();
        final List<String> updated = new ArrayList<>();
        final List<String> unchanged = new ArrayList<>();
        final List<String> deprecated = new ArrayList<>();
        final List<String> deleted = new ArrayList<>();
        final List<String> refused = new ArrayList<>();
        final List<String> logged = new ArrayList<>();
        long partitionsAdded;
        long partitionsUpdated;
        long partitionsRemoved;
        int versions;
    }

    private void apply(
            Candidate c, CatalogTable existing, Instant now, boolean refreshAll, Outcome out) {
        String qualified = options.database() + "." + c.name();
        // the most common layout is the table's; files in another format are not its data
        Map<FileSchema, List<Sampled>> byLayout = new LinkedHashMap<>();
        for (Sampled f : c.files()) {
            FileSchema layoutKey =
                    new FileSchema(f.schema().format(), f.schema().parsing(), null, 0, null);
            byLayout.computeIfAbsent(layoutKey, k -> new ArrayList<>()).add(f);
        }
        List<Sampled> files =
                byLayout.values().stream().max(java.util.Comparator.comparingInt(List::size)).get();
        if (files.size() < c.files().size()) {
            for (Sampled f : c.files()) {
                if (!files.contains(f)) {
                    out.extraSkipped++;
                    if (out.skipped.size() < MAX_SKIPPED_REPORTED) {
                        out.skipped.add(
                                new CrawlReport.Skipped(
                                        store.uri(f.info().key()),
                                        "format "
                                                + f.schema().format().id()
                                                + " "
                                                + f.schema().options()
                                                + " differs from the rest of table "
                                                + qualified));
                    }
                }
            }
        }
        FileSchema first = files.get(0).schema();
        Map<String, String> formatOptions = new LinkedHashMap<>(first.parsing());
        if (files.stream().allMatch(f -> "gzip".equals(f.schema().options().get("compression")))) {
            formatOptions.put("compression", "gzip");
        }

        DataType row = DataType.Primitive.NULL;
        Map<String, Set<String>> seenTypes = new LinkedHashMap<>();
        for (Sampled f : files) {
            row = TypeWidening.widen(row, f.schema().row());
            for (Field field : f.schema().row().fields()) {
                FileSchema.see(seenTypes, field.name(), field.type());
            }
            f.schema()
                    .typesSeen()
                    .forEach(
                            (col, types) ->
                                    seenTypes
                                            .computeIfAbsent(col, k -> new java.util.TreeSet<>())
                                            .addAll(types));
        }
        Struct inferred = (Struct) ValueTypes.settle(row.withNullable(false));
        List<Column> columns = columns(inferred, seenTypes, existing);

        // partition keys, typed from their values
        Map<List<String>, List<Sampled>> byPartition = new LinkedHashMap<>();
        Map<List<String>, String> partitionFolder = new HashMap<>();
        for (Sampled f : files) {
            List<String> values = c.values(f);
            byPartition.computeIfAbsent(values, k -> new ArrayList<>()).add(f);
            partitionFolder.putIfAbsent(values, c.partitionPrefix(f));
        }
        List<Column> keys = new ArrayList<>();
        Set<String> columnNames = new HashSet<>();
        columns.forEach(col -> columnNames.add(col.name()));
        for (int i = 0; i < c.keys().size(); i++) {
            DataType t = DataType.Primitive.NULL;
            for (List<String> values : byPartition.keySet()) {
                t = TypeWidening.widen(t, partitionValueType(values.get(i)));
            }
            String name = c.keys().get(i);
            if (columnNames.contains(name)) {
                out.logged.add(
                        qualified
                                + ": partition key '"
                                + name
                                + "' is also a column in the files; the key is named '"
                                + name
                                + "_partition'");
                name = name + "_partition";
            }
            keys.add(new Column(name, ValueTypes.settle(t.withNullable(false))));
        }

        Map<String, String> props = new LinkedHashMap<>();
        if (existing != null) {
            props.putAll(existing.properties());
        }
        props.put(CatalogTable.CRAWLER_LOCATION, store.location());
        props.put("classification", first.format().id());
        props.remove(CatalogTable.DEPRECATED);
        if (c.depth() > 0) {
            // hive: every level is key=value, which any Hive-style reader (Flink's filesystem
            // connector included) understands; folders: values without names
            props.put("partition.style", c.hive() ? "hive" : "folders");
        } else {
            props.remove("partition.style");
        }
        if (c.depth() == 0) {
            props.put("files", Long.toString(files.size()));
            props.put("bytes", Long.toString(files.stream().mapToLong(f -> f.info().size()).sum()));
        }

        if (existing != null
                && options.schemaChange() == SchemaChangePolicy.LOG
                && (!existing.columns().equals(columns)
                        || !existing.partitionKeys().equals(keys))) {
            out.logged.add(
                    qualified
                            + ": schema change detected and only logged (policy log): "
                            + describe(existing.columns())
                            + " -> "
                            + describe(columns));
            columns = existing.columns();
            keys = existing.partitionKeys();
        }

        CatalogTable proposed =
                new CatalogTable(
                        options.database(),
                        c.name(),
                        store.uri(c.prefix()),
                        first.format(),
                        formatOptions,
                        columns,
                        keys,
                        List.of(),
                        props,
                        existing == null ? 0 : existing.schemaVersion(),
                        existing == null ? null : existing.updatedAt());

        // partitions: added, changed, gone
        Map<List<String>, Partition> before = new HashMap<>();
        boolean keysChanged = existing != null && !existing.partitionKeys().equals(keys);
        if (existing != null) {
            for (Partition p : catalog.store().partitions(options.database(), c.name())) {
                before.put(p.values(), p);
            }
        }
        List<Partition> upserts = new ArrayList<>();
        List<List<String>> removals = new ArrayList<>();
        long added = 0;
        long updated = 0;
        long removed = 0;
        if (keysChanged) {
            removals.addAll(before.keySet());
            removed += before.size();
            before.clear();
        }
        if (c.depth() > 0) {
            for (Map.Entry<List<String>, List<Sampled>> e : byPartition.entrySet()) {
                List<Sampled> pf = e.getValue();
                long size = pf.stream().mapToLong(f -> f.info().size()).sum();
                Instant modified =
                        pf.stream()
                                .map(f -> f.info().lastModified())
                                .filter(Objects::nonNull)
                                .max(Instant::compareTo)
                                .orElse(null);
                Partition old = before.remove(e.getKey());
                Partition fresh =
                        new Partition(
                                e.getKey(),
                                store.uri(partitionFolder.get(e.getKey())),
                                pf.size(),
                                size,
                                modified,
                                now,
                                false);
                if (old == null) {
                    added++;
                    upserts.add(fresh);
                } else if (old.fileCount() != fresh.fileCount()
                        || old.bytes() != fresh.bytes()
                        || !Objects.equals(old.lastModified(), fresh.lastModified())
                        || old.deprecated()) {
                    updated++;
                    upserts.add(fresh);
                } else if (refreshAll) {
                    upserts.add(fresh);
                }
            }
        }
        for (Partition gone : before.values()) {
            switch (options.onDelete()) {
                case DELETE -> {
                    removals.add(gone.values());
                    removed++;
                }
                case DEPRECATE -> {
                    if (!gone.deprecated()) {
                        upserts.add(gone.deprecate());
                        updated++;
                        out.logged.add(qualified + ": partition " + gone.values() + " deprecated");
                    }
                }
                case LOG ->
                        out.logged.add(
                                qualified
                                        + ": partition "
                                        + gone.values()
                                        + " no longer found (kept)");
            }
        }

        boolean tableChanged =
                existing == null
                        || !existing.columns().equals(proposed.columns())
                        || !existing.partitionKeys().equals(proposed.partitionKeys())
                        || existing.format() != proposed.format()
                        || !existing.formatOptions().equals(proposed.formatOptions())
                        || !Objects.equals(existing.location(), proposed.location())
                        || !existing.properties().equals(proposed.properties());
        if (!tableChanged && upserts.isEmpty() && removals.isEmpty()) {
            out.unchanged.add(c.name());
            return;
        }
        try {
            CatalogService.Commit commit = catalog.commit(proposed, upserts, removals);
            if (commit.newVersion()) {
                out.versions++;
            }
            if (existing == null) {
                out.created.add(c.name());
            } else if (tableChanged || added + updated + removed > 0) {
                out.updated.add(c.name());
            } else {
                out.unchanged.add(c.name());
            }
            out.partitionsAdded += added;
            out.partitionsUpdated += updated;
            out.partitionsRemoved += removed;
        } catch (CatalogService.SchemaChangeRefused e) {
            LOG.warn(e.getMessage());
            out.refused.add(e.getMessage());
        }
    }

    /**
     * The columns of a table: the inferred ones widened with what the catalog already has (a column
     * never silently disappears), each with the types seen when they conflicted.
     */
    private static List<Column> columns(
            Struct inferred, Map<String, Set<String>> seenTypes, CatalogTable existing) {
        Struct row = inferred;
        Map<String, Set<String>> seen = new LinkedHashMap<>(seenTypes);
        if (existing != null) {
            row = (Struct) TypeWidening.widen(existing.rowType(), inferred);
            for (Column c : existing.columns()) {
                seen.computeIfAbsent(c.name(), k -> new LinkedHashSet<>());
                seen.get(c.name()).addAll(c.typesSeen());
                String scalar = FileSchema.scalar(c.type());
                if (scalar != null) {
                    seen.get(c.name()).add(scalar);
                }
            }
        }
        List<Column> out = new ArrayList<>();
        for (Field f : row.fields()) {
            Set<String> types = seen.getOrDefault(f.name(), Set.of());
            out.add(
                    new Column(
                            f.name(),
                            f.type(),
                            null,
                            types.size() > 1 ? List.copyOf(types) : List.of()));
        }
        return out;
    }

    private static DataType partitionValueType(String v) {
        DataType t = ValueTypes.ofText(v);
        if (t instanceof DataType.Primitive p
                && (p.kind() == DataType.Kind.INT || p.kind() == DataType.Kind.BIGINT)) {
            return t;
        }
        return t instanceof DataType.Primitive p && p.kind() == DataType.Kind.NULL
                ? t
                : DataType.of(DataType.Kind.STRING);
    }

    private static String describe(List<Column> columns) {
        return columns.stream()
                .map(c -> c.name() + " " + c.type().sql() + (c.nullable() ? "" : " not null"))
                .toList()
                .toString();
    }

    private void tableGone(CatalogTable t, Outcome out) {
        switch (options.onDelete()) {
            case DELETE -> {
                catalog.store().dropTable(t.database(), t.name());
                out.deleted.add(t.name());
            }
            case DEPRECATE -> {
                if (!t.deprecated()) {
                    catalog.store().putTable(t.withProperty(CatalogTable.DEPRECATED, "true"));
                    out.deprecated.add(t.name());
                }
            }
            case LOG ->
                    out.logged.add(
                            t.qualifiedName()
                                    + ": no longer found under "
                                    + store.location()
                                    + " (kept)");
        }
    }
}
