package io.tributary.catalog.crawler;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlerOptions.SchemaChangePolicy;
import io.tributary.catalog.crawler.TableLayout.Candidate;
import io.tributary.catalog.crawler.TableLayout.Sampled;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.DataType;
import io.tributary.catalog.model.DataType.Field;
import io.tributary.catalog.model.DataType.Struct;
import io.tributary.catalog.model.Partition;
import io.tributary.catalog.model.TypeWidening;
import io.tributary.catalog.pii.PiiCounts;
import io.tributary.objectstore.ObjectStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one table the layout found into catalog changes: the table (columns widened with what the
 * catalog already has, conflicts recorded), its partitions (added, changed, gone by policy), and
 * the commit that registers a new schema version where the schema changed.
 */
final class CandidateWriter {

    private static final Logger LOG = LoggerFactory.getLogger(CandidateWriter.class);
    private static final int MAX_SKIPPED_REPORTED = 100;

    private final CatalogService catalog;
    private final ObjectStore store;
    private final CrawlerOptions options;

    CandidateWriter(CatalogService catalog, ObjectStore store, CrawlerOptions options) {
        this.catalog = catalog;
        this.store = store;
        this.options = options;
    }

    /**
     * Builds the table a candidate stands for, widened with what the catalog has, diffs its
     * partitions and commits both, by the pass's policies.
     */
    void apply(
            Candidate c, CatalogTable existing, Instant now, boolean refreshAll, PassOutcome out) {
        String qualified = options.database() + "." + c.name();
        // the most common layout is the table's; files in another format are not its data
        Map<FileSchema, List<Sampled>> byLayout = new LinkedHashMap<>();
        for (Sampled f : c.files()) {
            FileSchema layoutKey =
                    new FileSchema(f.schema().format(), f.schema().parsing(), null, 0, null);
            byLayout.computeIfAbsent(layoutKey, k -> new ArrayList<>()).add(f);
        }
        List<Sampled> files =
                byLayout.values().stream().max(Comparator.comparingInt(List::size)).get();
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
        PiiCounts pii = new PiiCounts();
        for (Sampled f : files) {
            pii.add(f.schema().pii());
            row = TypeWidening.widen(row, f.schema().row());
            if (!f.schema().textual()) { // a text file's values were seen one by one
                for (Field field : f.schema().row().fields()) {
                    FileSchema.see(seenTypes, field.name(), field.type());
                }
            }
            f.schema()
                    .typesSeen()
                    .forEach(
                            (col, types) ->
                                    seenTypes
                                            .computeIfAbsent(col, k -> new TreeSet<>())
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
        if (!pii.isEmpty()) {
            // the tags of what the samples held now; files sampled before tagging existed leave
            // the table's tags as they were
            PiiCounts.putTags(props, pii.tags(PiiCounts.DEFAULT_THRESHOLD));
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
                // the column's declared type counts as seen only when no file has the column
                // now: a JSON or CSV column's type is settled (int values make a bigint column),
                // and adding it beside the values' own type made a conflict of nothing, so the
                // second pass over unchanged files updated the table
                boolean inFiles = seen.containsKey(c.name());
                seen.computeIfAbsent(c.name(), k -> new LinkedHashSet<>());
                seen.get(c.name()).addAll(c.typesSeen());
                String scalar = FileSchema.scalar(c.type());
                if (scalar != null && !inFiles) {
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
}
