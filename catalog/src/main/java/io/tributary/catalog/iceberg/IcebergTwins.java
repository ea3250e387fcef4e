package io.tributary.catalog.iceberg;

import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.Partition;
import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.store.CatalogException;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.objectstore.ObjectInfo;
import io.tributary.objectstore.ObjectStore;
import io.tributary.objectstore.ObjectStores;
import io.tributary.objectstore.S3Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.ParquetUtil;

/**
 * Crawled Parquet tables registered in place as Iceberg tables, so engines that read Iceberg
 * (Spark, Trino, Athena-like ones through the REST catalog) read what a crawler found, without a
 * copy: the Iceberg table's metadata lives under the lake warehouse and its data files are the
 * crawled files where they are.
 *
 * <ul>
 *   <li>Parquet files written by other tools carry no Iceberg field ids: the table's name mapping
 *       ({@code schema.name-mapping.default}) resolves their columns by name.
 *   <li>Each file's row count, sizes, null counts and bounds come from its footer, so readers prune
 *       files as they do for files Iceberg wrote.
 *   <li>Hive-style partition values come from the crawled partitions (identity partitions: readers
 *       fill the column from the partition, as the files do not hold it).
 *   <li>Each sync commits one snapshot with the files the crawl found since the last one, and
 *       removes files that are gone; a new column in the crawled schema becomes a schema update.
 *   <li>{@code gc.enabled=false}: the files belong to whoever wrote them, so snapshot expiry or a
 *       purging drop never deletes them (Iceberg refuses both).
 * </ul>
 */
public final class IcebergTwins {

    /** Iceberg table property: the crawled table ({@code db.table}) the files come from. */
    public static final String REGISTERED_FROM = "tributary.registered-from";

    private IcebergTwins() {}

    /** What one sync did. */
    public record SyncReport(
            String crawled,
            String twin,
            boolean created,
            int filesAdded,
            int filesRemoved,
            long recordsAdded,
            List<String> columnsAdded,
            List<String> skipped,
            long snapshotId,
            long totalRecords) {

        public boolean changed() {
            return created || filesAdded > 0 || filesRemoved > 0 || !columnsAdded.isEmpty();
        }

        public String summary() {
            return String.format(
                    "%s -> %s: %s%d files added (%d rows), %d removed%s%s; %d rows in snapshot %d",
                    crawled,
                    twin,
                    created ? "registered, " : "",
                    filesAdded,
                    recordsAdded,
                    filesRemoved,
                    columnsAdded.isEmpty() ? "" : ", columns added " + columnsAdded,
                    skipped.isEmpty() ? "" : ", " + skipped.size() + " files skipped",
                    totalRecords,
                    snapshotId);
        }
    }

    /**
     * Registers crawled Parquet table {@code database.table} as Iceberg table {@code database.twin}
     * and adds every file the crawl found. {@code s3} reaches the crawled files (null for a local
     * folder or AWS's defaults).
     */
    public static SyncReport register(
            CatalogStore store,
            TributaryIcebergCatalog iceberg,
            String database,
            String table,
            String twin,
            S3Settings s3) {
        CatalogTable crawled =
                store.table(database, table)
                        .orElseThrow(
                                () ->
                                        new CatalogException(
                                                "No table "
                                                        + database
                                                        + "."
                                                        + table
                                                        + "; crawl it first (tributary crawl)"));
        if (crawled.format() != TableFormat.PARQUET) {
            throw new CatalogException(
                    "Only Parquet tables can be registered as Iceberg tables in place: "
                            + crawled.qualifiedName()
                            + " is "
                            + crawled.format()
                            + " (JSON and CSV tables stay Hive-style; a pipeline with a lake sink"
                            + " writes them as Iceberg)");
        }
        if (store.table(database, twin).isPresent()) {
            throw new CatalogException(
                    "Table "
                            + database
                            + "."
                            + twin
                            + " already exists; choose another name with --as");
        }
        return sync(store, iceberg, crawled, TableIdentifier.of(database, twin), true, s3);
    }

    /**
     * Brings every Iceberg table registered from a crawled table of {@code database} up to date
     * with what the crawler found: run after each crawl pass.
     */
    public static List<SyncReport> syncAll(
            CatalogStore store, TributaryIcebergCatalog iceberg, String database, S3Settings s3) {
        List<SyncReport> out = new ArrayList<>();
        for (CatalogTable t : store.tables(database)) {
            String from =
                    t.format() == TableFormat.ICEBERG ? t.properties().get(REGISTERED_FROM) : null;
            if (from == null || !from.startsWith(database + ".")) {
                continue;
            }
            String name = from.substring(database.length() + 1);
            CatalogTable crawled = store.table(database, name).orElse(null);
            if (crawled == null || crawled.deprecated()) {
                continue; // nothing to follow; the Iceberg table keeps what it has
            }
            out.add(
                    sync(
                            store,
                            iceberg,
                            crawled,
                            TableIdentifier.of(database, t.name()),
                            false,
                            s3));
        }
        return out;
    }

    private static SyncReport sync(
            CatalogStore store,
            TributaryIcebergCatalog iceberg,
            CatalogTable crawled,
            TableIdentifier id,
            boolean create,
            S3Settings s3) {
        List<Column> all = new ArrayList<>(crawled.columns());
        Set<String> names = new HashSet<>();
        crawled.columns().forEach(c -> names.add(c.name()));
        for (Column k : crawled.partitionKeys()) {
            if (names.add(k.name())) {
                all.add(k);
            }
        }
        Schema wanted = IcebergColumns.schema(all);
        Table table;
        List<String> columnsAdded = new ArrayList<>();
        String skippedSchema = null;
        if (create) {
            PartitionSpec.Builder spec = PartitionSpec.builderFor(wanted);
            crawled.partitionKeys().forEach(k -> spec.identity(k.name()));
            Map<String, String> props = new LinkedHashMap<>();
            props.put(TableProperties.FORMAT_VERSION, "2");
            props.put(TableProperties.GC_ENABLED, "false");
            props.put(REGISTERED_FROM, crawled.qualifiedName());
            table =
                    iceberg.buildTable(id, wanted)
                            .withPartitionSpec(spec.build())
                            .withProperties(props)
                            .create();
            updateNameMapping(table);
        } else {
            table = iceberg.loadTable(id);
            boolean widened = false;
            for (org.apache.iceberg.types.Types.NestedField f : wanted.columns()) {
                org.apache.iceberg.types.Types.NestedField have =
                        table.schema().findField(f.name());
                if (have == null) {
                    columnsAdded.add(f.name());
                } else if (have.type().isPrimitiveType()
                        && f.type().isPrimitiveType()
                        && !have.type().equals(f.type())) {
                    widened = true;
                }
            }
            if (!columnsAdded.isEmpty() || widened) {
                try {
                    table.updateSchema().unionByNameWith(wanted).commit();
                    updateNameMapping(table);
                } catch (IllegalArgumentException
                        | org.apache.iceberg.exceptions.ValidationException e) {
                    // a change Iceberg cannot make (say string to int): the files still follow
                    skippedSchema = "schema not updated: " + e.getMessage();
                    columnsAdded.clear();
                }
            }
        }
        NameMapping mapping =
                NameMappingParser.fromJson(
                        table.properties().get(TableProperties.DEFAULT_NAME_MAPPING));

        // what the Iceberg table holds of the crawled location
        String root = withSlash(crawled.location());
        Map<String, DataFile> held = new HashMap<>();
        if (table.currentSnapshot() != null) {
            try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
                for (FileScanTask task : tasks) {
                    String path = task.file().location();
                    if (path.startsWith(root)) {
                        held.put(path, task.file());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        // what the crawler found there, in its partitions
        List<Partition> partitions =
                crawled.partitionKeys().isEmpty()
                        ? List.of()
                        : store.partitions(crawled.database(), crawled.name()).stream()
                                .filter(p -> !p.deprecated())
                                .toList();
        List<ObjectInfo> listed = new ArrayList<>();
        try (ObjectStore files = ObjectStores.open(root, s3)) {
            files.list(listed::add);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + root + ": " + e.getMessage(), e);
        }
        MetricsConfig metrics = MetricsConfig.forTable(table);
        List<DataFile> added = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        if (skippedSchema != null) {
            skipped.add(skippedSchema);
        }
        Set<String> present = new HashSet<>();
        long recordsAdded = 0;
        for (ObjectInfo o : listed) {
            if (hidden(o.key())) {
                continue; // _SUCCESS, .crc files, _temporary folders
            }
            String uri = root + o.key();
            List<String> values = null;
            if (!partitions.isEmpty()) {
                values = partitionOf(uri, partitions);
                if (values == null) {
                    continue; // a folder the crawler has not made a partition (yet)
                }
            }
            present.add(uri);
            if (held.containsKey(uri)) {
                continue;
            }
            try {
                Metrics m =
                        ParquetUtil.fileMetrics(
                                table.io().newInputFile(uri, o.size()), metrics, mapping);
                DataFiles.Builder b =
                        DataFiles.builder(table.spec())
                                .withPath(uri)
                                .withFormat(FileFormat.PARQUET)
                                .withFileSizeInBytes(o.size())
                                .withMetrics(m);
                if (values != null) {
                    b.withPartitionValues(values);
                }
                DataFile f = b.build();
                added.add(f);
                recordsAdded += f.recordCount();
            } catch (RuntimeException e) {
                skipped.add(o.key() + ": " + e.getMessage());
            }
        }
        List<DataFile> removed = new ArrayList<>();
        held.forEach(
                (path, f) -> {
                    if (!present.contains(path)) {
                        removed.add(f);
                    }
                });

        if (!added.isEmpty() || !removed.isEmpty()) {
            SnapshotUpdate<?> update;
            if (removed.isEmpty()) {
                var append = table.newAppend();
                added.forEach(append::appendFile);
                update = append;
            } else {
                OverwriteFiles overwrite = table.newOverwrite();
                added.forEach(overwrite::addFile);
                removed.forEach(overwrite::deleteFile);
                update = overwrite;
            }
            update.set("tributary.crawled-from", crawled.qualifiedName());
            update.commit();
            table.refresh();
        }
        long snapshot = table.currentSnapshot() == null ? -1 : table.currentSnapshot().snapshotId();
        long total =
                table.currentSnapshot() == null
                        ? 0
                        : Long.parseLong(
                                table.currentSnapshot()
                                        .summary()
                                        .getOrDefault("total-records", "0"));
        return new SyncReport(
                crawled.qualifiedName(),
                id.toString(),
                create,
                added.size(),
                removed.size(),
                recordsAdded,
                columnsAdded,
                skipped,
                snapshot,
                total);
    }

    private static void updateNameMapping(Table table) {
        table.updateProperties()
                .set(
                        TableProperties.DEFAULT_NAME_MAPPING,
                        NameMappingParser.toJson(MappingUtil.create(table.schema())))
                .commit();
    }

    /** The values of the partition whose folder holds {@code uri}; null when none does. */
    private static List<String> partitionOf(String uri, List<Partition> partitions) {
        for (Partition p : partitions) {
            if (uri.startsWith(withSlash(p.location()))) {
                return p.values();
            }
        }
        return null;
    }

    private static boolean hidden(String key) {
        for (String segment : key.split("/")) {
            if (segment.startsWith("_") || segment.startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String withSlash(String location) {
        return location.endsWith("/") ? location : location + "/";
    }
}
