package io.tributary.catalog.crawler;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.model.CatalogDatabase;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.DataType;
import io.tributary.catalog.model.DataType.Kind;
import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.pii.PiiCounts;
import io.tributary.catalog.store.CatalogException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Glue's JDBC crawler for RDS MySQL (and MariaDB) and PostgreSQL: tables, columns with their types
 * and nullability, and primary keys, read from the driver's metadata. Each table becomes a catalog
 * table of format {@code jdbc} whose properties say where it is (URL without secrets, user, source
 * table); a changed table is a new schema version like any other.
 */
public final class JdbcCrawler implements CatalogCrawler {

    /** Where to connect and what to crawl. The password is used to connect, never stored. */
    public record Source(
            String url, String user, String password, String schemaPattern, String tablePattern) {

        @Override
        public String toString() {
            return "Source[" + redact(url) + ", user=" + user + ", tables=" + tablePattern + "]";
        }
    }

    private static final Pattern SECRET_PARAM =
            Pattern.compile("(?i)([?&;](password|pwd|sslpassword)=)[^&;]*");
    private static final Pattern USERINFO = Pattern.compile("(//[^/@:]*):[^/@]*@");

    private final CatalogService catalog;
    private final Source source;
    private final CrawlerOptions options;
    private final CrawlListener listener;

    public JdbcCrawler(
            CatalogService catalog, Source source, CrawlerOptions options, CrawlListener listener) {
        this.catalog = catalog;
        this.source = source;
        this.options = options;
        this.listener = listener == null ? CrawlListener.NONE : listener;
    }

    /** The URL without passwords (query parameters or user-info): what may be stored or shown. */
    public static String redact(String url) {
        String out = SECRET_PARAM.matcher(url).replaceAll("");
        out = USERINFO.matcher(out).replaceAll("$1@");
        // a first parameter removed leaves "&x=" right after the path: make it the query start
        if (!out.contains("?") && out.contains("&")) {
            out = out.replaceFirst("&", "?");
        }
        return out;
    }

    private boolean mysql() {
        return source.url().startsWith("jdbc:mysql:") || source.url().startsWith("jdbc:mariadb:");
    }

    /** The database (MySQL) named in the URL's path, or null. */
    private String urlDatabase() {
        Matcher m = Pattern.compile("^jdbc:[a-z]+://[^/]+/([^?;]*)").matcher(source.url());
        return m.find() && !m.group(1).isEmpty() ? m.group(1) : null;
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        if (source.user() != null) {
            props.setProperty("user", source.user());
        }
        if (source.password() != null) {
            props.setProperty("password", source.password());
        }
        if (mysql()) {
            // TINYINT(1) is a number, as Debezium reads it: Connector/J would say BIT (boolean)
            // and a 2 in such a column would have no value of the column's type
            props.setProperty("tinyInt1isBit", "false");
        }
        return DriverManager.getConnection(source.url(), props);
    }

    /** Crawls now and every {@code interval} until {@code stop}; a failed pass is retried. */
    @Override
    public void watch(Duration interval, Consumer<CrawlReport> onPass, BooleanSupplier stop)
            throws InterruptedException {
        while (!stop.getAsBoolean()) {
            try {
                onPass.accept(crawl());
            } catch (RuntimeException e) {
                listener.failed(e);
            }
            long until = System.nanoTime() + interval.toNanos();
            while (!stop.getAsBoolean() && System.nanoTime() < until) {
                Thread.sleep(Math.min(100, Math.max(1, interval.toMillis())));
            }
        }
    }

    /** One pass over the database's tables. */
    @Override
    public CrawlReport crawl() {
        long started = System.nanoTime();
        String db = options.database();
        catalog.store().createDatabase(CatalogDatabase.named(db), true);
        String location = redact(source.url());
        Map<String, CatalogTable> found = new TreeMap<>();
        try (Connection c = connect()) {
            DatabaseMetaData md = c.getMetaData();
            String cat = mysql() ? urlDatabase() : null;
            String schemas =
                    mysql()
                            ? null
                            : source.schemaPattern() == null ? "public" : source.schemaPattern();
            String tables = source.tablePattern() == null ? "%" : source.tablePattern();
            List<String[]> names = new ArrayList<>();
            try (ResultSet rs = md.getTables(cat, schemas, tables, new String[] {"TABLE"})) {
                while (rs.next()) {
                    names.add(
                            new String[] {
                                rs.getString("TABLE_CAT"),
                                rs.getString("TABLE_SCHEM"),
                                rs.getString("TABLE_NAME")
                            });
                }
            }
            Set<String> schemaNames = new HashSet<>();
            names.forEach(n -> schemaNames.add(mysql() ? n[0] : n[1]));
            int done = 0;
            for (String[] n : names) {
                String container = mysql() ? n[0] : n[1];
                String name = schemaNames.size() > 1 ? container + "__" + n[2] : n[2];
                found.put(name, describe(md, n, container, name, location));
                listener.sampled(++done, names.size());
            }
        } catch (SQLException e) {
            throw new CatalogException(
                    "Crawling " + location + " failed: " + e.getMessage() + hint(e), e);
        }
        listener.resolved(found.size());

        PassOutcome out = new PassOutcome();
        Map<String, CatalogTable> owned = new LinkedHashMap<>();
        for (CatalogTable t : catalog.store().tables(db)) {
            if (location.equals(t.properties().get(CatalogTable.CRAWLER_LOCATION))) {
                owned.put(t.name(), t);
            }
        }
        for (CatalogTable t : found.values()) {
            CatalogTable existing = owned.remove(t.name());
            if (existing == null && catalog.store().table(db, t.name()).isPresent()) {
                out.refused.add(
                        db
                                + "."
                                + t.name()
                                + " already exists and was not crawled from "
                                + location
                                + "; left as it was");
                continue;
            }
            CatalogTable proposed = t;
            if (existing != null) {
                boolean same =
                        existing.columns().equals(t.columns())
                                && existing.primaryKey().equals(t.primaryKey())
                                && existing.properties().equals(t.properties());
                if (same) {
                    out.unchanged.add(t.name());
                    continue;
                }
                if (options.schemaChange() == CrawlerOptions.SchemaChangePolicy.LOG
                        && !existing.columns().equals(t.columns())) {
                    out.logged.add(
                            db + "." + t.name() + ": schema change detected and only logged");
                    out.unchanged.add(t.name());
                    continue;
                }
            }
            try {
                CatalogService.Commit commit = catalog.commit(proposed, List.of(), List.of());
                out.versions += commit.newVersion() ? 1 : 0;
                (existing == null ? out.created : out.updated).add(t.name());
            } catch (CatalogService.SchemaChangeRefused e) {
                out.refused.add(e.getMessage());
            }
        }
        for (CatalogTable gone : owned.values()) {
            out.tableGone(catalog, gone, options.onDelete(), location);
        }
        return out.report(
                location,
                db,
                found.size(),
                found.size(),
                0,
                0,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private static String hint(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("28") || e.getErrorCode() == 1045) {
            return " (check the user and password; give the password by environment variable or"
                    + " file)";
        }
        if (state.startsWith("08")) {
            return " (is the database running and reachable from here?)";
        }
        return "";
    }

    private CatalogTable describe(
            DatabaseMetaData md, String[] n, String container, String name, String location)
            throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (ResultSet rs = md.getColumns(n[0], n[1], n[2], "%")) {
            while (rs.next()) {
                DataType t =
                        type(
                                rs.getInt("DATA_TYPE"),
                                rs.getString("TYPE_NAME"),
                                rs.getInt("COLUMN_SIZE"),
                                rs.getInt("DECIMAL_DIGITS"));
                boolean nullable = rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls;
                String comment = rs.getString("REMARKS");
                columns.add(
                        new Column(
                                rs.getString("COLUMN_NAME"),
                                t.withNullable(nullable),
                                comment == null || comment.isEmpty() ? null : comment,
                                List.of()));
            }
        }
        Map<Short, String> pk = new TreeMap<>();
        try (ResultSet rs = md.getPrimaryKeys(n[0], n[1], n[2])) {
            while (rs.next()) {
                pk.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        Map<String, String> props = new LinkedHashMap<>();
        PiiCounts.putTags(
                props, sample(md, container, n[2], columns).tags(PiiCounts.DEFAULT_THRESHOLD));
        props.put(CatalogTable.CRAWLER_LOCATION, location);
        props.put("classification", mysql() ? "mysql" : "postgresql");
        props.put("jdbc.url", location);
        if (source.user() != null) {
            props.put("jdbc.user", source.user());
        }
        props.put("jdbc.database", container);
        props.put("jdbc.table", n[2]);
        return new CatalogTable(
                options.database(),
                name,
                location,
                TableFormat.JDBC,
                Map.of(),
                columns,
                List.of(),
                new ArrayList<>(pk.values()),
                props,
                0,
                null);
    }

    /**
     * The personal data among the first {@code sampleRecords} rows' text columns (as Glue's
     * crawlers classify sampled values): what the table's PII tags come from. A table the crawler
     * may describe but not read gets no tags, and says why in the log.
     */
    private PiiCounts sample(
            DatabaseMetaData md, String container, String table, List<Column> columns) {
        PiiCounts pii = new PiiCounts();
        List<String> text = new ArrayList<>();
        for (Column c : columns) {
            if (c.type() instanceof DataType.Primitive p && p.kind() == DataType.Kind.STRING) {
                text.add(c.name());
            }
        }
        if (text.isEmpty()) {
            return pii;
        }
        try {
            String q = md.getIdentifierQuoteString().trim();
            java.util.function.Function<String, String> id =
                    x -> q + x.replace(q, q + q) + q; // names come from the database: quoted
            List<String> select = new ArrayList<>();
            text.forEach(c -> select.add(id.apply(c)));
            String sql =
                    "SELECT "
                            + String.join(", ", select)
                            + " FROM "
                            + id.apply(container)
                            + "."
                            + id.apply(table)
                            + " LIMIT "
                            + options.sampleRecords();
            try (var st = md.getConnection().createStatement()) {
                st.setMaxRows(options.sampleRecords());
                try (ResultSet rs = st.executeQuery(sql)) {
                    while (rs.next()) {
                        for (int i = 0; i < text.size(); i++) {
                            pii.see(text.get(i), rs.getString(i + 1));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            org.slf4j.LoggerFactory.getLogger(JdbcCrawler.class)
                    .warn(
                            "{}.{}: no rows sampled for PII tags: {}",
                            container,
                            table,
                            e.getMessage());
        }
        return pii;
    }

    /** The lattice type of a column as the driver describes it. */
    static DataType type(int sqlType, String typeName, int size, int digits) {
        String name = typeName == null ? "" : typeName.toUpperCase(Locale.ROOT);
        boolean unsigned = name.contains("UNSIGNED");
        switch (sqlType) {
            case Types.BIT:
            case Types.BOOLEAN:
                return size > 1 ? DataType.of(Kind.BINARY) : DataType.of(Kind.BOOLEAN);
            case Types.TINYINT:
            case Types.SMALLINT:
                return DataType.of(Kind.INT);
            case Types.INTEGER:
                return unsigned ? DataType.of(Kind.BIGINT) : DataType.of(Kind.INT);
            case Types.BIGINT:
                return unsigned ? new DataType.Decimal(20, 0, false) : DataType.of(Kind.BIGINT);
            case Types.REAL:
            case Types.FLOAT:
            case Types.DOUBLE:
                return DataType.of(Kind.DOUBLE);
            case Types.NUMERIC:
            case Types.DECIMAL:
                if (size <= 0 || size > DataType.Decimal.MAX_PRECISION) {
                    // unbounded NUMERIC: exact digits beyond decimal(38): keep them as text
                    return DataType.of(Kind.STRING);
                }
                return new DataType.Decimal(size, Math.max(0, Math.min(digits, size)), false);
            case Types.DATE:
                return name.equals("YEAR") ? DataType.of(Kind.INT) : DataType.of(Kind.DATE);
            case Types.TIMESTAMP:
            case Types.TIMESTAMP_WITH_TIMEZONE:
                return DataType.of(Kind.TIMESTAMP);
            case Types.BINARY:
            case Types.VARBINARY:
            case Types.LONGVARBINARY:
            case Types.BLOB:
                return DataType.of(Kind.BINARY);
            case Types.ARRAY:
                return new DataType.ArrayOf(arrayElement(name).withNullable(true), false);
            default:
                // CHAR, VARCHAR, TEXT, CLOB, JSON, UUID, ENUM, TIME, INTERVAL...: text
                return DataType.of(Kind.STRING);
        }
    }

    /** PostgreSQL names array types after their element with a leading underscore. */
    private static DataType arrayElement(String typeName) {
        String e = typeName.startsWith("_") ? typeName.substring(1) : typeName;
        return switch (e) {
            case "INT2", "INT4" -> DataType.of(Kind.INT);
            case "INT8" -> DataType.of(Kind.BIGINT);
            case "FLOAT4", "FLOAT8" -> DataType.of(Kind.DOUBLE);
            case "BOOL" -> DataType.of(Kind.BOOLEAN);
            case "DATE" -> DataType.of(Kind.DATE);
            case "TIMESTAMP", "TIMESTAMPTZ" -> DataType.of(Kind.TIMESTAMP);
            default -> DataType.of(Kind.STRING);
        };
    }
}
