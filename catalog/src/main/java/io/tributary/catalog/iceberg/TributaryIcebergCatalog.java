package io.tributary.catalog.iceberg;

import io.tributary.catalog.model.CatalogDatabase;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.store.CatalogException;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configurable;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.BaseMetastoreCatalog;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;

/**
 * Tributary's catalog as an Apache Iceberg catalog: namespaces are the catalog's databases, Iceberg
 * tables are catalog tables of format {@code ICEBERG} whose row holds the pointer to the current
 * metadata file. The REST endpoint serves it to other engines; Flink's Iceberg sink loads it by
 * class name ({@code catalog-impl}) with {@link #STORE} naming the catalog store.
 *
 * <p>Properties: {@code warehouse} (where new tables go, {@code s3://bucket/prefix} or a folder),
 * {@link #STORE} and its credentials when the catalog opens the store itself, and the FileIO's own
 * ({@code s3.endpoint}, {@code s3.path-style-access}, {@code s3.access-key-id}, ...).
 */
public class TributaryIcebergCatalog extends BaseMetastoreCatalog
        implements SupportsNamespaces, Configurable {

    /**
     * The catalog store to open: a {@code jdbc:postgresql:} URL, or the embedded store's folder.
     */
    public static final String STORE = "tributary.store";

    public static final String STORE_USER = "tributary.store.user";
    public static final String STORE_PASSWORD = "tributary.store.password";

    /**
     * {@code per-call}: the store the catalog opens holds no connection between calls (for loaders
     * whose users may never close them, as some of Iceberg's Flink operators); otherwise one
     * connection stays open until {@link #close}.
     */
    public static final String STORE_CONNECTION = "tributary.store.connection";

    private String name = "tributary";
    private CatalogStore store;
    private boolean ownsStore;
    private FileIO io;
    private String warehouse;
    private Map<String, String> properties = Map.of();
    private Configuration conf;

    /** For Iceberg's loaders, which call {@link #initialize} next. */
    public TributaryIcebergCatalog() {}

    /** Over a store the caller keeps open and closes. */
    public TributaryIcebergCatalog(CatalogStore store) {
        this.store = store;
    }

    @Override
    public void initialize(String catalogName, Map<String, String> props) {
        this.name = catalogName;
        this.properties = Map.copyOf(props);
        if (store == null) {
            String spec = props.get(STORE);
            if (spec == null || spec.isBlank()) {
                throw new IllegalArgumentException(
                        "The Tributary Iceberg catalog needs '"
                                + STORE
                                + "': the catalog store's JDBC URL or the embedded store's"
                                + " folder");
            }
            store =
                    "per-call".equals(props.get(STORE_CONNECTION))
                            ? CatalogStores.openPerCall(
                                    spec, props.get(STORE_USER), props.get(STORE_PASSWORD))
                            : CatalogStores.open(
                                    spec, props.get(STORE_USER), props.get(STORE_PASSWORD));
            ownsStore = true;
        }
        String w = props.get(CatalogProperties.WAREHOUSE_LOCATION);
        if (w == null || w.isBlank()) {
            throw new IllegalArgumentException(
                    "The Tributary Iceberg catalog needs 'warehouse': where new tables are"
                            + " written, e.g. s3://lake/warehouse");
        }
        this.warehouse = w.replaceAll("/+$", "");
        String ioImpl =
                props.getOrDefault(
                        CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.io.ResolvingFileIO");
        this.io = CatalogUtil.loadFileIO(ioImpl, props, conf == null ? new Configuration() : conf);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    protected Map<String, String> properties() {
        return properties;
    }

    /** The warehouse location new tables go under. */
    public String warehouse() {
        return warehouse;
    }

    @Override
    public void setConf(Configuration configuration) {
        this.conf = configuration;
    }

    @Override
    public Configuration getConf() {
        return conf;
    }

    @Override
    protected boolean isValidIdentifier(TableIdentifier id) {
        return id.namespace().levels().length == 1;
    }

    private static String database(Namespace ns) {
        if (ns.levels().length != 1) {
            throw new NoSuchNamespaceException(
                    "Namespace %s does not exist: Tributary's namespaces are its databases, one"
                            + " level deep",
                    ns);
        }
        return ns.level(0);
    }

    @Override
    protected TableOperations newTableOps(TableIdentifier id) {
        return new StoreTableOperations(store, io, database(id.namespace()), id.name());
    }

    @Override
    protected String defaultWarehouseLocation(TableIdentifier id) {
        return warehouse + "/" + segment(database(id.namespace())) + "/" + segment(id.name());
    }

    /**
     * A name as one path segment every engine and object store reads the same way: letters, digits,
     * {@code _ - .} kept; anything else (quotes, slashes, spaces) replaced, with a short hash of
     * the name appended so two names never share a folder.
     */
    static String segment(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (safe.equals(name) && !name.startsWith(".")) {
            return name;
        }
        try {
            byte[] h =
                    MessageDigest.getInstance("SHA-256")
                            .digest(name.getBytes(StandardCharsets.UTF_8));
            return safe.replaceAll("^\\.+", "_") + "-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<TableIdentifier> listTables(Namespace namespace) {
        String db = database(namespace);
        if (store.database(db).isEmpty()) {
            throw new NoSuchNamespaceException("Namespace does not exist: %s", namespace);
        }
        return store.tables(db).stream()
                .filter(t -> t.format() == TableFormat.ICEBERG)
                .map(t -> TableIdentifier.of(db, t.name()))
                .toList();
    }

    @Override
    public boolean dropTable(TableIdentifier id, boolean purge) {
        if (!isValidIdentifier(id)) {
            return false;
        }
        String db = database(id.namespace());
        if (StoreTableOperations.icebergRow(store, db, id.name()).isEmpty()) {
            return false;
        }
        TableOperations ops = newTableOps(id);
        TableMetadata last = null;
        if (purge) {
            try {
                last = ops.current();
            } catch (RuntimeException e) {
                // metadata unreadable: drop the entry anyway; the files stay
            }
        }
        boolean dropped = store.dropTable(db, id.name());
        if (dropped && purge && last != null) {
            CatalogUtil.dropTableData(ops.io(), last);
        }
        return dropped;
    }

    @Override
    public void renameTable(TableIdentifier from, TableIdentifier to) {
        String fromDb = database(from.namespace());
        String toDb = database(to.namespace());
        if (StoreTableOperations.icebergRow(store, fromDb, from.name()).isEmpty()) {
            throw new NoSuchTableException("Table does not exist: %s", from);
        }
        if (store.database(toDb).isEmpty()) {
            throw new NoSuchNamespaceException("Namespace does not exist: %s", to.namespace());
        }
        if (store.table(toDb, to.name()).isPresent()) {
            throw new AlreadyExistsException("Table already exists: %s", to);
        }
        try {
            store.renameTable(fromDb, from.name(), toDb, to.name());
        } catch (CatalogException e) {
            if (store.table(toDb, to.name()).isPresent()) {
                throw new AlreadyExistsException("Table already exists: %s", to);
            }
            throw e;
        }
    }

    @Override
    public void createNamespace(Namespace namespace, Map<String, String> metadata) {
        String db = database(namespace);
        if (store.database(db).isPresent()) {
            throw new AlreadyExistsException("Namespace already exists: %s", namespace);
        }
        Map<String, String> props = new LinkedHashMap<>(metadata);
        String comment = props.remove("comment");
        try {
            store.createDatabase(new CatalogDatabase(db, comment, props), false);
        } catch (CatalogException e) {
            if (store.database(db).isPresent()) {
                throw new AlreadyExistsException("Namespace already exists: %s", namespace);
            }
            throw e;
        }
    }

    @Override
    public List<Namespace> listNamespaces(Namespace namespace) {
        if (!namespace.isEmpty()) {
            database(namespace);
            if (store.database(namespace.level(0)).isEmpty()) {
                throw new NoSuchNamespaceException("Namespace does not exist: %s", namespace);
            }
            return List.of(); // databases hold tables, not other databases
        }
        return store.databases().stream().map(d -> Namespace.of(d.name())).toList();
    }

    @Override
    public Map<String, String> loadNamespaceMetadata(Namespace namespace) {
        CatalogDatabase d =
                store.database(database(namespace))
                        .orElseThrow(
                                () ->
                                        new NoSuchNamespaceException(
                                                "Namespace does not exist: %s", namespace));
        Map<String, String> out = new LinkedHashMap<>(d.properties());
        if (d.description() != null) {
            out.put("comment", d.description());
        }
        return out;
    }

    @Override
    public boolean dropNamespace(Namespace namespace) {
        String db = database(namespace);
        if (store.database(db).isEmpty()) {
            return false;
        }
        List<CatalogTable> tables = store.tables(db);
        if (!tables.isEmpty()) {
            throw new NamespaceNotEmptyException(
                    "Namespace %s is not empty: it has %d table(s), e.g. %s",
                    namespace, tables.size(), tables.get(0).name());
        }
        store.dropDatabase(db, false);
        return true;
    }

    @Override
    public boolean setProperties(Namespace namespace, Map<String, String> props) {
        return changeProperties(
                namespace,
                d -> {
                    Map<String, String> p = new LinkedHashMap<>(d.properties());
                    String description = d.description();
                    for (Map.Entry<String, String> e : props.entrySet()) {
                        // the database's description is the namespace's "comment"
                        if (e.getKey().equals("comment")) {
                            description = e.getValue();
                        } else {
                            p.put(e.getKey(), e.getValue());
                        }
                    }
                    return new CatalogDatabase(d.name(), description, p);
                });
    }

    @Override
    public boolean removeProperties(Namespace namespace, Set<String> keys) {
        return changeProperties(
                namespace,
                d -> {
                    Map<String, String> p = new LinkedHashMap<>(d.properties());
                    p.keySet().removeAll(keys);
                    return new CatalogDatabase(
                            d.name(), keys.contains("comment") ? null : d.description(), p);
                });
    }

    private boolean changeProperties(
            Namespace namespace, java.util.function.UnaryOperator<CatalogDatabase> change) {
        String db = database(namespace);
        if (store.database(db).isEmpty()) {
            throw new NoSuchNamespaceException("Namespace does not exist: %s", namespace);
        }
        store.updateDatabase(db, change);
        return true;
    }

    @Override
    public void close() {
        if (io != null) {
            io.close();
        }
        if (ownsStore && store != null) {
            store.close();
        }
    }
}
