package io.tributary.connectors.catalog;

import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.Partition;
import io.tributary.catalog.store.CatalogException;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.connectors.types.FlinkTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.AbstractCatalog;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.CatalogDatabase;
import org.apache.flink.table.catalog.CatalogDatabaseImpl;
import org.apache.flink.table.catalog.CatalogFunction;
import org.apache.flink.table.catalog.CatalogPartition;
import org.apache.flink.table.catalog.CatalogPartitionImpl;
import org.apache.flink.table.catalog.CatalogPartitionSpec;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.exceptions.DatabaseAlreadyExistException;
import org.apache.flink.table.catalog.exceptions.DatabaseNotEmptyException;
import org.apache.flink.table.catalog.exceptions.DatabaseNotExistException;
import org.apache.flink.table.catalog.exceptions.FunctionNotExistException;
import org.apache.flink.table.catalog.exceptions.PartitionNotExistException;
import org.apache.flink.table.catalog.exceptions.TableNotExistException;
import org.apache.flink.table.catalog.exceptions.TableNotPartitionedException;
import org.apache.flink.table.catalog.stats.CatalogColumnStatistics;
import org.apache.flink.table.catalog.stats.CatalogTableStatistics;
import org.apache.flink.table.expressions.Expression;

/**
 * The Tributary catalog as a Flink {@link org.apache.flink.table.catalog.Catalog}: databases and
 * the crawled tables, each carrying the connector options that read it ({@link TableOptions}), with
 * Hive-style partitions and file statistics for the planner. Tables come from crawlers, so DDL on
 * tables is refused with a pointer to {@code tributary crawl}; databases can be created and
 * dropped.
 */
@PublicEvolving
public final class TributaryFlinkCatalog extends AbstractCatalog {

    private final Map<String, String> options;
    private CatalogStore store;

    /** A catalog on the store its {@code options} name ({@link TributaryCatalogFactory}). */
    public TributaryFlinkCatalog(String name, Map<String, String> options) {
        super(
                name,
                options.getOrDefault(
                        TributaryCatalogFactory.DEFAULT_DATABASE.key(),
                        TributaryCatalogFactory.DEFAULT_DATABASE.defaultValue()));
        this.options = Map.copyOf(options);
    }

    /** Opens on an existing store (tests, the CLI): the caller keeps ownership. */
    public TributaryFlinkCatalog(String name, String defaultDatabase, CatalogStore store) {
        super(name, defaultDatabase);
        this.options = Map.of();
        this.store = store;
    }

    private boolean ownsStore;

    @Override
    public void open() {
        if (store == null) {
            String spec = options.get(TributaryCatalogFactory.STORE.key());
            if (spec == null) {
                String home = System.getenv("TRIBUTARY_HOME");
                spec =
                        Path.of(home == null || home.isBlank() ? ".tributary" : home)
                                .resolve("catalog")
                                .toString();
            }
            store =
                    CatalogStores.open(
                            spec,
                            options.get(TributaryCatalogFactory.STORE_USER.key()),
                            options.get(TributaryCatalogFactory.STORE_PASSWORD.key()));
            ownsStore = true;
        }
        store.createDatabase(
                io.tributary.catalog.model.CatalogDatabase.named(getDefaultDatabase()), true);
    }

    @Override
    public void close() {
        if (ownsStore && store != null) {
            store.close();
            store = null;
        }
    }

    // ---- databases

    @Override
    public List<String> listDatabases() {
        return store.databases().stream()
                .map(io.tributary.catalog.model.CatalogDatabase::name)
                .toList();
    }

    @Override
    public CatalogDatabase getDatabase(String name) throws DatabaseNotExistException {
        io.tributary.catalog.model.CatalogDatabase d =
                store.database(name)
                        .orElseThrow(() -> new DatabaseNotExistException(getName(), name));
        return new CatalogDatabaseImpl(d.properties(), d.description());
    }

    @Override
    public boolean databaseExists(String name) {
        return store.database(name).isPresent();
    }

    @Override
    public void createDatabase(String name, CatalogDatabase database, boolean ignoreIfExists)
            throws DatabaseAlreadyExistException {
        if (databaseExists(name)) {
            if (ignoreIfExists) {
                return;
            }
            throw new DatabaseAlreadyExistException(getName(), name);
        }
        store.createDatabase(
                new io.tributary.catalog.model.CatalogDatabase(
                        name, database.getComment(), database.getProperties()),
                false);
    }

    @Override
    public void dropDatabase(String name, boolean ignoreIfNotExists, boolean cascade)
            throws DatabaseNotExistException, DatabaseNotEmptyException {
        if (!databaseExists(name)) {
            if (ignoreIfNotExists) {
                return;
            }
            throw new DatabaseNotExistException(getName(), name);
        }
        if (!cascade && !store.tables(name).isEmpty()) {
            throw new DatabaseNotEmptyException(getName(), name);
        }
        store.dropDatabase(name, cascade);
    }

    @Override
    public void alterDatabase(String name, CatalogDatabase newDatabase, boolean ignoreIfNotExists) {
        throw unsupported("ALTER DATABASE");
    }

    // ---- tables

    @Override
    public List<String> listTables(String databaseName) throws DatabaseNotExistException {
        if (!databaseExists(databaseName)) {
            throw new DatabaseNotExistException(getName(), databaseName);
        }
        return store.tables(databaseName).stream().map(CatalogTable::name).toList();
    }

    @Override
    public List<String> listViews(String databaseName) {
        return List.of();
    }

    /**
     * The catalog's own record of a table, deprecated or not (Flink's view of it has no such flag):
     * what a pipeline checks before it reads the table.
     */
    public java.util.Optional<CatalogTable> stored(String database, String table) {
        return store.table(database, table);
    }

    /** The names of the tables of {@code database}, for an error that lists them. */
    public List<String> tableNames(String database) {
        return store.tables(database).stream().map(CatalogTable::name).sorted().toList();
    }

    private CatalogTable table(ObjectPath path) throws TableNotExistException {
        return store.table(path.getDatabaseName(), path.getObjectName())
                .orElseThrow(() -> new TableNotExistException(getName(), path));
    }

    @Override
    public CatalogBaseTable getTable(ObjectPath path) throws TableNotExistException {
        CatalogTable t = table(path);
        Schema.Builder schema = Schema.newBuilder();
        for (Column c : t.columns()) {
            boolean key = t.primaryKey().contains(c.name());
            schema.column(c.name(), FlinkTypes.toFlink(c.type(), key));
            if (c.comment() != null) {
                schema.withComment(c.comment());
            }
        }
        List<String> partitionKeys = new ArrayList<>();
        if (hivePartitioned(t)) {
            for (Column k : t.partitionKeys()) {
                schema.column(k.name(), FlinkTypes.toFlink(k.type(), false));
                partitionKeys.add(k.name());
            }
        }
        if (!t.primaryKey().isEmpty()) {
            schema.primaryKey(t.primaryKey());
        }
        return org.apache.flink.table.catalog.CatalogTable.newBuilder()
                .schema(schema.build())
                .comment(
                        t.format().id()
                                + " at "
                                + t.location()
                                + ", schema version "
                                + t.schemaVersion())
                .partitionKeys(partitionKeys)
                .options(TableOptions.of(t, options))
                .build();
    }

    /**
     * Partition columns Flink sees: any style for tables tributary-s3 reads, Hive style only for
     * Flink's filesystem connector.
     */
    private static boolean hivePartitioned(CatalogTable t) {
        return !t.partitionKeys().isEmpty()
                && (TableOptions.readsFolderPartitions(t)
                        || "hive".equals(t.properties().get("partition.style")));
    }

    @Override
    public boolean tableExists(ObjectPath path) {
        return store.table(path.getDatabaseName(), path.getObjectName()).isPresent();
    }

    @Override
    public void dropTable(ObjectPath path, boolean ignoreIfNotExists)
            throws TableNotExistException {
        if (!store.dropTable(path.getDatabaseName(), path.getObjectName()) && !ignoreIfNotExists) {
            throw new TableNotExistException(getName(), path);
        }
    }

    @Override
    public void renameTable(ObjectPath path, String newName, boolean ignoreIfNotExists) {
        throw unsupported("RENAME TABLE");
    }

    @Override
    public void createTable(ObjectPath path, CatalogBaseTable table, boolean ignoreIfExists) {
        throw unsupported("CREATE TABLE");
    }

    @Override
    public void alterTable(ObjectPath path, CatalogBaseTable newTable, boolean ignoreIfNotExists) {
        throw unsupported("ALTER TABLE");
    }

    private CatalogException unsupported(String what) {
        return new CatalogException(
                what
                        + " is not supported by the Tributary catalog '"
                        + getName()
                        + "': its tables come from crawlers (tributary crawl <location> --database"
                        + " <db>). Create ad-hoc tables in Flink's default_catalog.");
    }

    // ---- partitions

    private List<Partition> partitionsOf(ObjectPath path)
            throws TableNotExistException, TableNotPartitionedException {
        CatalogTable t = table(path);
        if (!hivePartitioned(t)) {
            throw new TableNotPartitionedException(getName(), path);
        }
        return store.partitions(path.getDatabaseName(), path.getObjectName());
    }

    private static CatalogPartitionSpec spec(CatalogTable t, Partition p) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < t.partitionKeys().size(); i++) {
            m.put(t.partitionKeys().get(i).name(), p.values().get(i));
        }
        return new CatalogPartitionSpec(m);
    }

    @Override
    public List<CatalogPartitionSpec> listPartitions(ObjectPath path)
            throws TableNotExistException, TableNotPartitionedException {
        CatalogTable t = table(path);
        List<CatalogPartitionSpec> out = new ArrayList<>();
        for (Partition p : partitionsOf(path)) {
            if (!p.deprecated()) {
                out.add(spec(t, p));
            }
        }
        return out;
    }

    @Override
    public List<CatalogPartitionSpec> listPartitions(ObjectPath path, CatalogPartitionSpec filter)
            throws TableNotExistException, TableNotPartitionedException {
        List<CatalogPartitionSpec> out = new ArrayList<>();
        for (CatalogPartitionSpec s : listPartitions(path)) {
            if (s.getPartitionSpec().entrySet().containsAll(filter.getPartitionSpec().entrySet())) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public List<CatalogPartitionSpec> listPartitionsByFilter(
            ObjectPath path, List<Expression> filters)
            throws TableNotExistException, TableNotPartitionedException {
        return listPartitions(path); // the planner prunes the rest itself
    }

    private Optional<Partition> partition(ObjectPath path, CatalogPartitionSpec spec)
            throws TableNotExistException, TableNotPartitionedException {
        CatalogTable t = table(path);
        for (Partition p : partitionsOf(path)) {
            if (spec(t, p).equals(spec)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public CatalogPartition getPartition(ObjectPath path, CatalogPartitionSpec spec)
            throws PartitionNotExistException {
        try {
            Partition p =
                    partition(path, spec)
                            .orElseThrow(
                                    () -> new PartitionNotExistException(getName(), path, spec));
            Map<String, String> props = new LinkedHashMap<>();
            props.put("location", p.location());
            props.put("files", Long.toString(p.fileCount()));
            props.put("bytes", Long.toString(p.bytes()));
            return new CatalogPartitionImpl(props, null);
        } catch (TableNotExistException | TableNotPartitionedException e) {
            throw new PartitionNotExistException(getName(), path, spec, e);
        }
    }

    @Override
    public boolean partitionExists(ObjectPath path, CatalogPartitionSpec spec) {
        try {
            return partition(path, spec).isPresent();
        } catch (TableNotExistException | TableNotPartitionedException e) {
            return false;
        }
    }

    @Override
    public void createPartition(
            ObjectPath path,
            CatalogPartitionSpec spec,
            CatalogPartition partition,
            boolean ignoreIfExists) {
        throw unsupported("ADD PARTITION");
    }

    @Override
    public void dropPartition(ObjectPath path, CatalogPartitionSpec spec, boolean ignore) {
        throw unsupported("DROP PARTITION");
    }

    @Override
    public void alterPartition(
            ObjectPath path,
            CatalogPartitionSpec spec,
            CatalogPartition newPartition,
            boolean ignoreIfNotExists) {
        throw unsupported("ALTER PARTITION");
    }

    // ---- functions: none

    @Override
    public List<String> listFunctions(String dbName) {
        return List.of();
    }

    @Override
    public CatalogFunction getFunction(ObjectPath functionPath) throws FunctionNotExistException {
        throw new FunctionNotExistException(getName(), functionPath);
    }

    @Override
    public boolean functionExists(ObjectPath functionPath) {
        return false;
    }

    @Override
    public void createFunction(ObjectPath path, CatalogFunction function, boolean ignoreIfExists) {
        throw unsupported("CREATE FUNCTION");
    }

    @Override
    public void alterFunction(ObjectPath path, CatalogFunction f, boolean ignoreIfNotExists) {
        throw unsupported("ALTER FUNCTION");
    }

    @Override
    public void dropFunction(ObjectPath path, boolean ignoreIfNotExists) {
        throw unsupported("DROP FUNCTION");
    }

    // ---- statistics: what the crawler counted

    @Override
    public CatalogTableStatistics getTableStatistics(ObjectPath path) {
        Optional<CatalogTable> t = store.table(path.getDatabaseName(), path.getObjectName());
        if (t.isEmpty()) {
            return CatalogTableStatistics.UNKNOWN;
        }
        long files;
        long bytes;
        if (t.get().partitionKeys().isEmpty()) {
            files = Long.parseLong(t.get().properties().getOrDefault("files", "-1"));
            bytes = Long.parseLong(t.get().properties().getOrDefault("bytes", "-1"));
        } else {
            List<Partition> ps = store.partitions(path.getDatabaseName(), path.getObjectName());
            files = ps.stream().mapToLong(Partition::fileCount).sum();
            bytes = ps.stream().mapToLong(Partition::bytes).sum();
        }
        return stats(files, bytes);
    }

    /** What a crawler counts: files and bytes; rows are unknown (-1). */
    private static CatalogTableStatistics stats(long files, long bytes) {
        return new CatalogTableStatistics(-1, (int) Math.min(Integer.MAX_VALUE, files), bytes, -1);
    }

    @Override
    public CatalogColumnStatistics getTableColumnStatistics(ObjectPath tablePath) {
        return CatalogColumnStatistics.UNKNOWN;
    }

    @Override
    public CatalogTableStatistics getPartitionStatistics(
            ObjectPath path, CatalogPartitionSpec spec) {
        try {
            return partition(path, spec)
                    .map(p -> stats(p.fileCount(), p.bytes()))
                    .orElse(CatalogTableStatistics.UNKNOWN);
        } catch (TableNotExistException | TableNotPartitionedException e) {
            return CatalogTableStatistics.UNKNOWN;
        }
    }

    @Override
    public CatalogColumnStatistics getPartitionColumnStatistics(
            ObjectPath path, CatalogPartitionSpec spec) {
        return CatalogColumnStatistics.UNKNOWN;
    }

    @Override
    public void alterTableStatistics(
            ObjectPath path, CatalogTableStatistics s, boolean ignoreIfNotExists) {
        throw unsupported("ALTER TABLE statistics");
    }

    @Override
    public void alterTableColumnStatistics(
            ObjectPath path, CatalogColumnStatistics s, boolean ignoreIfNotExists) {
        throw unsupported("ALTER TABLE statistics");
    }

    @Override
    public void alterPartitionStatistics(
            ObjectPath path,
            CatalogPartitionSpec spec,
            CatalogTableStatistics s,
            boolean ignoreIfNotExists) {
        throw unsupported("ALTER PARTITION statistics");
    }

    @Override
    public void alterPartitionColumnStatistics(
            ObjectPath path,
            CatalogPartitionSpec spec,
            CatalogColumnStatistics s,
            boolean ignoreIfNotExists) {
        throw unsupported("ALTER PARTITION statistics");
    }
}
