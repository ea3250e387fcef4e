package io.tributary.catalog.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.catalog.model.CatalogDatabase;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.CrawlerDefinition;
import io.tributary.catalog.model.CrawlerRun;
import io.tributary.catalog.model.ModelJson;
import io.tributary.catalog.model.Partition;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A catalog store on a relational database: H2 (the embedded default) or PostgreSQL. Three tables
 * hold databases, tables and partitions as documents in the model's JSON form, so one schema and
 * the same SQL serve both; names are bound as parameters, never spliced into SQL.
 */
public final class JdbcCatalogStore implements CatalogStore {

    private static final int SCHEMA_VERSION = 1;

    /** Unique violation, duplicate table, duplicate object: another process migrated first. */
    private static final Set<String> CONCURRENT_DDL = Set.of("23505", "42P07", "42710", "42S01");

    private final String url;
    private final Properties props;
    private final String description;
    private final boolean holdConnection;
    private Connection connection;

    JdbcCatalogStore(String url, Properties props, String description) {
        this(url, props, description, true);
    }

    /**
     * @param holdConnection whether the connection stays open between calls (until {@link #close});
     *     without it each call connects and disconnects, for owners that may never close the store
     */
    JdbcCatalogStore(String url, Properties props, String description, boolean holdConnection) {
        this.url = url;
        this.props = props;
        this.description = description;
        this.holdConnection = holdConnection;
        synchronized (this) {
            // two processes creating the store at once: one wins, the other sees its work
            againIfConcurrent(
                    () -> {
                        migrate();
                        return null;
                    });
        }
    }

    /**
     * Runs {@code work}, again (up to three times in all) when it failed on what another process
     * did at the same moment: a key or an object it created first.
     */
    private static <T> T againIfConcurrent(java.util.function.Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (CatalogException e) {
                if (attempt >= 3
                        || !(e.getCause() instanceof SQLException sql)
                        || !CONCURRENT_DDL.contains(String.valueOf(sql.getSQLState()))) {
                    throw e;
                }
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }

    private Connection connection() throws SQLException {
        if (connection == null || !connection.isValid(5)) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // a broken connection; a new one follows
                }
            }
            connection = DriverManager.getConnection(url, props);
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void migrate() {
        boolean postgres = url.startsWith("jdbc:postgresql:");
        String text = postgres ? "TEXT" : "CLOB";
        inTransaction(
                c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute(
                                "CREATE TABLE IF NOT EXISTS tributary_catalog_meta (k VARCHAR(64)"
                                        + " PRIMARY KEY, v VARCHAR(256) NOT NULL)");
                        s.execute(
                                "CREATE TABLE IF NOT EXISTS tributary_catalog_databases (name"
                                        + " VARCHAR(1024) PRIMARY KEY, doc "
                                        + text
                                        + " NOT NULL)");
                        s.execute(
                                "CREATE TABLE IF NOT EXISTS tributary_catalog_tables (db"
                                        + " VARCHAR(1024) NOT NULL, name VARCHAR(1024) NOT NULL,"
                                        + " doc "
                                        + text
                                        + " NOT NULL, PRIMARY KEY (db, name))");
                        s.execute(
                                "CREATE TABLE IF NOT EXISTS tributary_catalog_partitions (db"
                                        + " VARCHAR(1024) NOT NULL, tbl VARCHAR(1024) NOT NULL,"
                                        + " spec_hash VARCHAR(64) NOT NULL, doc "
                                        + text
                                        + " NOT NULL, PRIMARY KEY (db, tbl, spec_hash))");
                        s.execute(
                                "CREATE TABLE IF NOT EXISTS tributary_job_runs (id VARCHAR(200)"
                                        + " PRIMARY KEY, started_ms BIGINT NOT NULL, doc "
                                        + text
                                        + " NOT NULL)");
                        CrawlerRows.create(s, text);
                        JobDefinitionRows.create(s, text);
                        QualityResultRows.create(s);
                    }
                    try (PreparedStatement q =
                            c.prepareStatement(
                                    "SELECT v FROM tributary_catalog_meta WHERE k ="
                                            + " 'schema_version'")) {
                        ResultSet rs = q.executeQuery();
                        if (!rs.next()) {
                            try (PreparedStatement i =
                                    c.prepareStatement(
                                            "INSERT INTO tributary_catalog_meta (k, v) VALUES"
                                                    + " ('schema_version', ?)")) {
                                i.setString(1, Integer.toString(SCHEMA_VERSION));
                                i.executeUpdate();
                            }
                        } else if (Integer.parseInt(rs.getString(1)) > SCHEMA_VERSION) {
                            throw new CatalogException(
                                    "The catalog in "
                                            + description
                                            + " was written by a newer Tributary (store schema "
                                            + rs.getString(1)
                                            + "); upgrade Tributary to read it");
                        }
                    }
                    return null;
                });
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private synchronized <T> T inTransaction(Work<T> work) {
        try {
            Connection c = connection();
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new CatalogException(
                    "The catalog store (" + description + ") failed: " + e.getMessage(), e);
        } finally {
            if (!holdConnection) {
                close();
            }
        }
    }

    @Override
    public void createDatabase(CatalogDatabase database, boolean ignoreIfExists) {
        inTransaction(
                c -> {
                    if (exists(c, database.name())) {
                        if (ignoreIfExists) {
                            return null;
                        }
                        throw new CatalogException(
                                "Database '" + database.name() + "' already exists");
                    }
                    try (PreparedStatement i =
                            c.prepareStatement(
                                    "INSERT INTO tributary_catalog_databases (name, doc) VALUES"
                                            + " (?, ?)")) {
                        i.setString(1, database.name());
                        i.setString(2, ModelJson.database(database).toString());
                        i.executeUpdate();
                    }
                    return null;
                });
    }

    private static boolean exists(Connection c, String database) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement("SELECT 1 FROM tributary_catalog_databases WHERE name = ?")) {
            q.setString(1, database);
            return q.executeQuery().next();
        }
    }

    @Override
    public Optional<CatalogDatabase> database(String name) {
        return inTransaction(
                        c ->
                                docs(
                                        c,
                                        "SELECT doc FROM tributary_catalog_databases WHERE name ="
                                                + " ?",
                                        name))
                .stream()
                .findFirst()
                .map(ModelJson::database);
    }

    @Override
    public CatalogDatabase updateDatabase(String name, UnaryOperator<CatalogDatabase> change) {
        return inTransaction(
                c -> {
                    List<JsonNode> rows =
                            docs(
                                    c,
                                    "SELECT doc FROM tributary_catalog_databases WHERE name = ?"
                                            + " FOR UPDATE",
                                    name);
                    if (rows.isEmpty()) {
                        throw new CatalogException("Database '" + name + "' does not exist");
                    }
                    CatalogDatabase changed = change.apply(ModelJson.database(rows.get(0)));
                    if (!changed.name().equals(name)) {
                        throw new CatalogException(
                                "Database '" + name + "' cannot be renamed by an update");
                    }
                    update(
                            c,
                            "UPDATE tributary_catalog_databases SET doc = ? WHERE name = ?",
                            ModelJson.database(changed).toString(),
                            name);
                    return changed;
                });
    }

    @Override
    public List<CatalogDatabase> databases() {
        return inTransaction(
                        c -> docs(c, "SELECT doc FROM tributary_catalog_databases ORDER BY name"))
                .stream()
                .map(ModelJson::database)
                .toList();
    }

    @Override
    public void dropDatabase(String name, boolean cascade) {
        inTransaction(
                c -> {
                    if (!exists(c, name)) {
                        throw new CatalogException("Database '" + name + "' does not exist");
                    }
                    if (!cascade && !tables(c, name).isEmpty()) {
                        throw new CatalogException(
                                "Database '"
                                        + name
                                        + "' still has tables; drop them first or drop with"
                                        + " cascade");
                    }
                    for (String sql :
                            List.of(
                                    "DELETE FROM tributary_catalog_partitions WHERE db = ?",
                                    "DELETE FROM tributary_catalog_tables WHERE db = ?",
                                    "DELETE FROM tributary_catalog_databases WHERE name = ?")) {
                        try (PreparedStatement d = c.prepareStatement(sql)) {
                            d.setString(1, name);
                            d.executeUpdate();
                        }
                    }
                    return null;
                });
    }

    @Override
    public Optional<CatalogTable> table(String database, String name) {
        return inTransaction(
                        c ->
                                docs(
                                        c,
                                        "SELECT doc FROM tributary_catalog_tables WHERE db = ? AND"
                                                + " name = ?",
                                        database,
                                        name))
                .stream()
                .findFirst()
                .map(ModelJson::table);
    }

    @Override
    public List<CatalogTable> tables(String database) {
        return inTransaction(
                c -> {
                    if (!exists(c, database)) {
                        throw new CatalogException("Database '" + database + "' does not exist");
                    }
                    return tables(c, database);
                });
    }

    private static List<CatalogTable> tables(Connection c, String database) throws SQLException {
        return docs(
                        c,
                        "SELECT doc FROM tributary_catalog_tables WHERE db = ? ORDER BY name",
                        database)
                .stream()
                .map(ModelJson::table)
                .toList();
    }

    /** Runs a statement with string parameters; the rows it changed. */
    private static int update(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement u = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                u.setString(i + 1, params[i]);
            }
            return u.executeUpdate();
        }
    }

    /** The documents a query with string parameters returns, parsed. */
    private static List<JsonNode> docs(Connection c, String sql, String... params)
            throws SQLException {
        List<JsonNode> out = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                q.setString(i + 1, params[i]);
            }
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(parse(rs.getString(1)));
                }
            }
        }
        return out;
    }

    @Override
    public void commit(
            CatalogTable table,
            Collection<Partition> partitions,
            Collection<List<String>> removedPartitions) {
        for (Partition p : partitions) {
            if (p.values().size() != table.partitionKeys().size()) {
                throw new CatalogException(
                        "Partition "
                                + p.values()
                                + " of "
                                + table.qualifiedName()
                                + " has "
                                + p.values().size()
                                + " values; the table has "
                                + table.partitionKeys().size()
                                + " partition keys");
            }
        }
        inTransaction(
                c -> {
                    if (!exists(c, table.database())) {
                        throw new CatalogException(
                                "Database '"
                                        + table.database()
                                        + "' does not exist; create it first");
                    }
                    try (PreparedStatement d =
                            c.prepareStatement(
                                    "DELETE FROM tributary_catalog_tables WHERE db = ? AND name ="
                                            + " ?")) {
                        d.setString(1, table.database());
                        d.setString(2, table.name());
                        d.executeUpdate();
                    }
                    try (PreparedStatement i =
                            c.prepareStatement(
                                    "INSERT INTO tributary_catalog_tables (db, name, doc) VALUES"
                                            + " (?, ?, ?)")) {
                        i.setString(1, table.database());
                        i.setString(2, table.name());
                        i.setString(3, ModelJson.table(table).toString());
                        i.executeUpdate();
                    }
                    List<List<String>> deletes = new ArrayList<>(removedPartitions);
                    partitions.forEach(p -> deletes.add(p.values()));
                    try (PreparedStatement d =
                            c.prepareStatement(
                                    "DELETE FROM tributary_catalog_partitions WHERE db = ? AND"
                                            + " tbl = ? AND spec_hash = ?")) {
                        for (List<String> values : deletes) {
                            d.setString(1, table.database());
                            d.setString(2, table.name());
                            d.setString(3, specHash(values));
                            d.addBatch();
                        }
                        d.executeBatch();
                    }
                    try (PreparedStatement i =
                            c.prepareStatement(
                                    "INSERT INTO tributary_catalog_partitions (db, tbl, spec_hash,"
                                            + " doc) VALUES (?, ?, ?, ?)")) {
                        for (Partition p : partitions) {
                            i.setString(1, table.database());
                            i.setString(2, table.name());
                            i.setString(3, specHash(p.values()));
                            i.setString(4, ModelJson.partition(p).toString());
                            i.addBatch();
                        }
                        i.executeBatch();
                    }
                    return null;
                });
    }

    @Override
    public boolean swapTable(CatalogTable table, String key, String expected) {
        return inTransaction(
                c -> {
                    if (!exists(c, table.database())) {
                        throw new CatalogException(
                                "Database '"
                                        + table.database()
                                        + "' does not exist; create it first");
                    }
                    List<JsonNode> stored =
                            docs(
                                    c,
                                    "SELECT doc FROM tributary_catalog_tables WHERE db = ? AND"
                                            + " name = ? FOR UPDATE",
                                    table.database(),
                                    table.name());
                    String doc = ModelJson.table(table).toString();
                    if (expected == null) {
                        if (!stored.isEmpty()) {
                            return false;
                        }
                        try (PreparedStatement i =
                                c.prepareStatement(
                                        "INSERT INTO tributary_catalog_tables (db, name, doc)"
                                                + " VALUES (?, ?, ?)")) {
                            i.setString(1, table.database());
                            i.setString(2, table.name());
                            i.setString(3, doc);
                            i.executeUpdate();
                        } catch (SQLException e) {
                            if (CONCURRENT_DDL.contains(String.valueOf(e.getSQLState()))) {
                                c.rollback(); // another process created it first
                                return false;
                            }
                            throw e;
                        }
                        return true;
                    }
                    if (stored.isEmpty()
                            || !expected.equals(
                                    ModelJson.table(stored.get(0)).properties().get(key))) {
                        return false;
                    }
                    update(
                            c,
                            "UPDATE tributary_catalog_tables SET doc = ? WHERE db = ? AND name = ?",
                            doc,
                            table.database(),
                            table.name());
                    return true;
                });
    }

    @Override
    public void renameTable(String database, String name, String newDatabase, String newName) {
        inTransaction(
                c -> {
                    if (!exists(c, newDatabase)) {
                        throw new CatalogException(
                                "Database '" + newDatabase + "' does not exist; create it first");
                    }
                    List<JsonNode> stored =
                            docs(
                                    c,
                                    "SELECT doc FROM tributary_catalog_tables WHERE db = ? AND"
                                            + " name = ? FOR UPDATE",
                                    database,
                                    name);
                    if (stored.isEmpty()) {
                        throw new CatalogException(
                                "Table '" + database + "." + name + "' does not exist");
                    }
                    if (!docs(
                                    c,
                                    "SELECT doc FROM tributary_catalog_tables WHERE db = ? AND"
                                            + " name = ?",
                                    newDatabase,
                                    newName)
                            .isEmpty()) {
                        throw new CatalogException(
                                "Table '" + newDatabase + "." + newName + "' already exists");
                    }
                    CatalogTable t = ModelJson.table(stored.get(0));
                    CatalogTable moved =
                            new CatalogTable(
                                    newDatabase,
                                    newName,
                                    t.location(),
                                    t.format(),
                                    t.formatOptions(),
                                    t.columns(),
                                    t.partitionKeys(),
                                    t.primaryKey(),
                                    t.properties(),
                                    t.schemaVersion(),
                                    t.updatedAt());
                    update(
                            c,
                            "UPDATE tributary_catalog_tables SET db = ?, name = ?, doc = ? WHERE db"
                                    + " = ? AND name = ?",
                            newDatabase,
                            newName,
                            ModelJson.table(moved).toString(),
                            database,
                            name);
                    update(
                            c,
                            "UPDATE tributary_catalog_partitions SET db = ?, tbl = ? WHERE db = ?"
                                    + " AND tbl = ?",
                            newDatabase,
                            newName,
                            database,
                            name);
                    return null;
                });
    }

    @Override
    public boolean dropTable(String database, String name) {
        return inTransaction(
                c -> {
                    try (PreparedStatement d =
                            c.prepareStatement(
                                    "DELETE FROM tributary_catalog_partitions WHERE db = ? AND"
                                            + " tbl = ?")) {
                        d.setString(1, database);
                        d.setString(2, name);
                        d.executeUpdate();
                    }
                    try (PreparedStatement d =
                            c.prepareStatement(
                                    "DELETE FROM tributary_catalog_tables WHERE db = ? AND name ="
                                            + " ?")) {
                        d.setString(1, database);
                        d.setString(2, name);
                        return d.executeUpdate() > 0;
                    }
                });
    }

    @Override
    public List<Partition> partitions(String database, String table) {
        List<Partition> out =
                new ArrayList<>(
                        inTransaction(
                                        c ->
                                                docs(
                                                        c,
                                                        "SELECT doc FROM"
                                                                + " tributary_catalog_partitions"
                                                                + " WHERE db = ? AND tbl = ?",
                                                        database,
                                                        table))
                                .stream()
                                .map(ModelJson::partition)
                                .toList());
        out.sort(Comparator.comparing(Partition::values, JdbcCatalogStore::compareValues));
        return out;
    }

    /** Orders partition values as a person would: numbers by value, the rest as text. */
    static int compareValues(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            String x = a.get(i);
            String y = b.get(i);
            int c;
            if (isInteger(x) && isInteger(y)) {
                c = new BigInteger(x).compareTo(new BigInteger(y));
            } else {
                c = String.valueOf(x).compareTo(String.valueOf(y));
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static boolean isInteger(String s) {
        return s != null && !s.isEmpty() && s.length() < 30 && s.matches("-?\\d+");
    }

    private static String specHash(List<String> values) {
        try {
            byte[] spec =
                    ModelJson.MAPPER.writeValueAsString(values).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spec));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String doc) {
        try {
            return ModelJson.MAPPER.readTree(doc);
        } catch (JsonProcessingException e) {
            throw new CatalogException("A catalog entry is not valid JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public void putRun(JobRun run) {
        inTransaction(c -> JobRunRows.put(c, run));
    }

    @Override
    public JobRun updateRun(String id, UnaryOperator<JobRun> change) {
        return inTransaction(c -> JobRunRows.update(c, id, change));
    }

    @Override
    public Optional<JobRun> run(String id) {
        return inTransaction(
                c ->
                        docs(c, "SELECT doc FROM tributary_job_runs WHERE id = ?", id).stream()
                                .map(JobRunJson::from)
                                .findFirst());
    }

    @Override
    public List<JobRun> runs() {
        return inTransaction(
                c ->
                        docs(c, "SELECT doc FROM tributary_job_runs ORDER BY started_ms DESC, id")
                                .stream()
                                .map(JobRunJson::from)
                                .toList());
    }

    @Override
    public JobDefinition putJobDefinition(String pipeline, String file, String text) {
        // two runs storing a new version at once: the second sees the first's and retries
        return againIfConcurrent(
                () -> inTransaction(c -> JobDefinitionRows.put(c, pipeline, file, text)));
    }

    @Override
    public Optional<JobDefinition> jobDefinition(String pipeline, int version) {
        return inTransaction(c -> JobDefinitionRows.find(c, pipeline, version));
    }

    @Override
    public List<JobDefinition> jobDefinitions(String pipeline) {
        return inTransaction(c -> JobDefinitionRows.all(c, pipeline));
    }

    @Override
    public void putQualityResults(List<QualityResult> results) {
        inTransaction(
                c -> {
                    QualityResultRows.put(c, results);
                    return null;
                });
    }

    @Override
    public List<QualityResult> qualityResults(String pipeline, java.time.Instant since) {
        return inTransaction(c -> QualityResultRows.find(c, pipeline, since));
    }

    @Override
    public void createCrawler(CrawlerDefinition crawler) {
        inTransaction(c -> CrawlerRows.insert(c, crawler));
    }

    @Override
    public Optional<CrawlerDefinition> crawler(String name) {
        return inTransaction(c -> CrawlerRows.find(c, name, false));
    }

    @Override
    public List<CrawlerDefinition> crawlers() {
        return inTransaction(CrawlerRows::all);
    }

    @Override
    public CrawlerDefinition updateCrawler(String name, UnaryOperator<CrawlerDefinition> change) {
        return inTransaction(c -> CrawlerRows.update(c, name, change));
    }

    @Override
    public boolean dropCrawler(String name) {
        return inTransaction(c -> CrawlerRows.drop(c, name));
    }

    @Override
    public boolean leaseCrawler(String name, String holder, Duration duration, Instant lastPass) {
        return inTransaction(c -> CrawlerRows.lease(c, name, holder, duration, lastPass));
    }

    @Override
    public void releaseCrawler(String name, String holder) {
        inTransaction(c -> CrawlerRows.release(c, name, holder));
    }

    @Override
    public Optional<Lease> crawlerLease(String name) {
        return inTransaction(c -> CrawlerRows.lease(c, name));
    }

    @Override
    public void putCrawlerRun(CrawlerRun run) {
        inTransaction(c -> CrawlerRows.putRun(c, run));
    }

    @Override
    public List<CrawlerRun> crawlerRuns(String name, int limit) {
        return inTransaction(c -> CrawlerRows.runs(c, name, limit));
    }

    @Override
    public Map<String, String> crawlerFiles(String name, String target) {
        return inTransaction(c -> CrawlerRows.files(c, name, target));
    }

    @Override
    public void updateCrawlerFiles(
            String name, String target, Map<String, String> put, Collection<String> removed) {
        if (put.isEmpty() && removed.isEmpty()) {
            return;
        }
        inTransaction(c -> CrawlerRows.updateFiles(c, name, target, put, removed));
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing; nothing left to protect
            }
            connection = null;
        }
    }
}
