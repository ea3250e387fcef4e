package io.tributary.connectors.cdc;

import io.tributary.connectors.changes.SourceTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.annotation.Internal;

/**
 * Checks, before a job starts, that a database can be captured: binlog on, ROW format and FULL row
 * image (MySQL); {@code wal_level=logical}, a free replication slot and a replica identity that
 * carries before-images (PostgreSQL); replication privileges; and which tables the patterns match,
 * with their estimated rows. Each problem says what to change, on a server and on RDS.
 */
@Internal
public final class CdcReadiness {

    /** How bad a finding is: errors stop a job from starting. */
    public enum Level {
        OK,
        WARN,
        ERROR
    }

    /** One thing checked. */
    public record Finding(Level level, String what, String fix) {
        @Override
        public String toString() {
            return level + " " + what + (fix == null ? "" : " -> " + fix);
        }
    }

    /** A table the patterns match. */
    public record TableInfo(SourceTable table, long estimatedRows, List<String> primaryKey) {}

    /** All findings and tables for one connection. */
    public record Report(CdcConnection connection, List<Finding> findings, List<TableInfo> tables) {

        public boolean ready() {
            return findings.stream().noneMatch(f -> f.level() == Level.ERROR);
        }

        /** The errors, one per line, for an exception message. */
        public String problems() {
            StringBuilder b = new StringBuilder();
            for (Finding f : findings) {
                if (f.level() == Level.ERROR) {
                    b.append("\n  - ").append(f.what());
                    if (f.fix() != null) {
                        b.append(": ").append(f.fix());
                    }
                }
            }
            return b.toString();
        }

        public Map<String, Long> estimates() {
            Map<String, Long> m = new LinkedHashMap<>();
            tables.forEach(t -> m.put(t.table().qualified(), t.estimatedRows()));
            return m;
        }
    }

    /** Thrown when a database is not set up for change capture. */
    public static final class NotReady extends RuntimeException {
        private final Report report;

        public NotReady(Report report) {
            super(
                    report.connection()
                            + " is not ready for change data capture:"
                            + report.problems());
            this.report = report;
        }

        public Report report() {
            return report;
        }
    }

    private CdcReadiness() {}

    /**
     * Checks {@code connection} for capturing the tables matching {@code patterns} ({@code
     * db.table} for MySQL, {@code schema.table} for PostgreSQL; {@code *} matches any run of
     * characters). {@code slotName} is the PostgreSQL slot the job will use (ignored for MySQL).
     */
    public static Report check(CdcConnection connection, List<String> patterns, String slotName) {
        return check(connection, patterns, slotName, new Properties());
    }

    /** {@link #check} over a connection with the capture's own driver properties (its TLS). */
    public static Report check(
            CdcConnection connection,
            List<String> patterns,
            String slotName,
            Properties driverProperties) {
        List<Finding> findings = new ArrayList<>();
        List<TableInfo> tables = new ArrayList<>();
        try (Connection c = connection.connect(driverProperties)) {
            if (connection.kind() == CdcConnection.Kind.MYSQL) {
                checkMysql(c, findings);
            } else {
                checkPostgres(c, slotName, findings);
            }
            for (String pattern : patterns) {
                int before = tables.size();
                if (connection.kind() == CdcConnection.Kind.MYSQL) {
                    mysqlTables(c, pattern, tables, findings);
                } else {
                    postgresTables(c, connection.database(), pattern, tables, findings);
                }
                if (tables.size() == before) {
                    findings.add(
                            new Finding(
                                    Level.ERROR,
                                    "no table matches '" + pattern + "'",
                                    connection.kind() == CdcConnection.Kind.MYSQL
                                            ? "name tables as database.table (* for any characters)"
                                            : "name tables as schema.table (* for any"
                                                    + " characters)"));
                }
            }
        } catch (SQLException e) {
            findings.add(
                    new Finding(
                            Level.ERROR,
                            "cannot connect to " + connection + ": " + e.getMessage(),
                            "check the host, port, user and password"));
        }
        return new Report(connection, findings, tables);
    }

    private static void checkMysql(Connection c, List<Finding> out) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT @@log_bin, @@binlog_format, @@binlog_row_image")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                out.add(
                        new Finding(
                                Level.ERROR,
                                "the binary log is off (log_bin=OFF)",
                                "start the server with --log-bin; on RDS, turn on automated"
                                        + " backups, which turns on the binary log"));
            } else {
                out.add(new Finding(Level.OK, "the binary log is on", null));
            }
            check(
                    out,
                    "ROW".equalsIgnoreCase(rs.getString(2)),
                    "binlog_format is " + rs.getString(2) + ", not ROW",
                    "binlog_format=ROW",
                    "SET GLOBAL binlog_format = 'ROW' (and in my.cnf); on RDS, set binlog_format"
                            + " to ROW in the DB parameter group");
            check(
                    out,
                    "FULL".equalsIgnoreCase(rs.getString(3)),
                    "binlog_row_image is "
                            + rs.getString(3)
                            + ", not FULL (updates would lack"
                            + " their before-image)",
                    "binlog_row_image=FULL",
                    "SET GLOBAL binlog_row_image = 'FULL'; on RDS, in the DB parameter group");
        }
        List<String> grants = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW GRANTS FOR CURRENT_USER()")) {
            while (rs.next()) {
                grants.add(rs.getString(1).toUpperCase(Locale.ROOT));
            }
        }
        boolean all = grants.stream().anyMatch(g -> g.contains("ALL PRIVILEGES ON *.*"));
        boolean replication =
                all
                        || grants.stream()
                                .anyMatch(
                                        g ->
                                                g.contains("REPLICATION SLAVE")
                                                        || g.contains("REPLICATION REPLICA"));
        boolean monitor =
                all
                        || grants.stream()
                                .anyMatch(
                                        g ->
                                                g.contains("REPLICATION CLIENT")
                                                        || g.contains("BINLOG MONITOR")
                                                        || g.contains("SUPER"));
        check(
                out,
                replication && monitor,
                "the user lacks "
                        + (replication
                                ? "REPLICATION CLIENT"
                                : monitor
                                        ? "REPLICATION SLAVE"
                                        : "REPLICATION SLAVE and REPLICATION CLIENT"),
                "the user may read the binary log",
                "GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO the user");
    }

    private static void checkPostgres(Connection c, String slotName, List<Finding> out)
            throws SQLException {
        String walLevel = single(c, "SHOW wal_level");
        check(
                out,
                "logical".equals(walLevel),
                "wal_level is " + walLevel + ", not logical",
                "wal_level=logical",
                "set wal_level = logical and restart PostgreSQL; on RDS, set"
                        + " rds.logical_replication = 1 in the DB parameter group and reboot");
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT rolsuper OR rolreplication, rolsuper FROM pg_roles"
                                        + " WHERE rolname = current_user")) {
            boolean may = rs.next() && rs.getBoolean(1);
            boolean rdsRole = false;
            if (!may) {
                try (ResultSet r2 =
                        s.executeQuery(
                                "SELECT pg_has_role(current_user, 'rds_replication', 'member')"
                                        + " FROM pg_roles WHERE rolname = 'rds_replication'")) {
                    rdsRole = r2.next() && r2.getBoolean(1);
                }
            }
            check(
                    out,
                    may || rdsRole,
                    "the user may not replicate",
                    "the user may replicate",
                    "ALTER ROLE the_user REPLICATION; on RDS, GRANT rds_replication TO the_user");
        }
        int maxSlots = Integer.parseInt(single(c, "SHOW max_replication_slots"));
        int used = Integer.parseInt(single(c, "SELECT count(*) FROM pg_replication_slots"));
        boolean ours = false;
        if (slotName != null) {
            try (PreparedStatement p =
                    c.prepareStatement(
                            "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?")) {
                p.setString(1, slotName);
                try (ResultSet rs = p.executeQuery()) {
                    ours = rs.next() && rs.getInt(1) > 0;
                }
            }
        }
        check(
                out,
                ours || used < maxSlots,
                "no replication slot is free ("
                        + used
                        + " of max_replication_slots="
                        + maxSlots
                        + " in use)",
                ours
                        ? "replication slot " + slotName + " exists (the job resumes from it)"
                        : "a replication slot is free (" + used + " of " + maxSlots + " in use)",
                "drop unused slots (SELECT pg_drop_replication_slot(name)) or raise"
                        + " max_replication_slots and restart");
    }

    /**
     * The row estimates of {@code tables} (named as for {@link #check}) on an open connection to a
     * {@code kind} database {@code database}: what the snapshot progress is measured against.
     */
    static Map<String, Long> estimates(
            Connection c, CdcConnection.Kind kind, String database, List<String> tables)
            throws SQLException {
        List<TableInfo> found = new ArrayList<>();
        List<Finding> notUsed = new ArrayList<>();
        for (String t : tables) {
            if (kind == CdcConnection.Kind.MYSQL) {
                mysqlTables(c, t, found, notUsed);
            } else {
                postgresTables(c, database, t, found, notUsed);
            }
        }
        return new Report(null, List.of(), found).estimates();
    }

    private static void mysqlTables(
            Connection c, String pattern, List<TableInfo> out, List<Finding> findings)
            throws SQLException {
        int dot = pattern.indexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException(
                    "MySQL tables are named database.table; got '" + pattern + "'");
        }
        String sql =
                "SELECT t.table_schema, t.table_name, COALESCE(t.table_rows, 0),"
                        + " (SELECT GROUP_CONCAT(k.column_name ORDER BY k.ordinal_position SEPARATOR"
                        + " '\\t') FROM information_schema.key_column_usage k WHERE k.table_schema ="
                        + " t.table_schema AND k.table_name = t.table_name AND k.constraint_name ="
                        + " 'PRIMARY') FROM information_schema.tables t WHERE t.table_type = 'BASE"
                        + " TABLE' AND t.table_schema LIKE ? AND t.table_name LIKE ? ORDER BY 1, 2";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, like(pattern.substring(0, dot)));
            p.setString(2, like(pattern.substring(dot + 1)));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    SourceTable t = new SourceTable(rs.getString(1), null, rs.getString(2));
                    List<String> key = keyList(rs.getString(4));
                    out.add(new TableInfo(t, rs.getLong(3), key));
                    noKeyWarning(t, key, findings);
                }
            }
        }
    }

    private static void postgresTables(
            Connection c,
            String database,
            String pattern,
            List<TableInfo> out,
            List<Finding> findings)
            throws SQLException {
        int dot = pattern.indexOf('.');
        String schema = dot < 0 ? "public" : pattern.substring(0, dot);
        String table = dot < 0 ? pattern : pattern.substring(dot + 1);
        String sql =
                "SELECT n.nspname, c.relname, GREATEST(c.reltuples, 0)::bigint, c.relreplident,"
                        + " has_table_privilege(c.oid, 'SELECT'), (SELECT string_agg(a.attname,"
                        + " E'\\t' ORDER BY array_position(i.indkey, a.attnum)) FROM pg_index i JOIN"
                        + " pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                        + " WHERE i.indrelid = c.oid AND i.indisprimary) FROM pg_class c JOIN"
                        + " pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
                        + " AND n.nspname LIKE ? AND c.relname LIKE ? ORDER BY 1, 2";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, like(schema));
            p.setString(2, like(table));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    SourceTable t = new SourceTable(database, rs.getString(1), rs.getString(2));
                    List<String> key = keyList(rs.getString(6));
                    out.add(new TableInfo(t, rs.getLong(3), key));
                    String identity = rs.getString(4);
                    String quoted = quote(rs.getString(1)) + "." + quote(rs.getString(2));
                    if ("n".equals(identity)) {
                        findings.add(
                                new Finding(
                                        Level.ERROR,
                                        t
                                                + " has REPLICA IDENTITY NOTHING: its updates and"
                                                + " deletes cannot be captured",
                                        "ALTER TABLE " + quoted + " REPLICA IDENTITY FULL"));
                    } else if (!"f".equals(identity)) {
                        findings.add(
                                new Finding(
                                        Level.WARN,
                                        t
                                                + " sends only the key as the before-image of updates"
                                                + " and deletes",
                                        "ALTER TABLE "
                                                + quoted
                                                + " REPLICA IDENTITY FULL for whole before-images"));
                    }
                    if (!rs.getBoolean(5)) {
                        findings.add(
                                new Finding(
                                        Level.ERROR,
                                        "the user may not SELECT from " + t,
                                        "GRANT SELECT ON " + quoted + " TO the user"));
                    }
                    noKeyWarning(t, key, findings);
                }
            }
        }
    }

    private static void noKeyWarning(SourceTable t, List<String> key, List<Finding> findings) {
        if (key.isEmpty()) {
            findings.add(
                    new Finding(
                            Level.WARN,
                            t
                                    + " has no primary key: its snapshot is read in one piece and a"
                                    + " warehouse sink can only append its changes",
                            "add a primary key, or name a chunk key column"));
        }
    }

    private static List<String> keyList(String tabSeparated) {
        return tabSeparated == null || tabSeparated.isEmpty()
                ? List.of()
                : List.of(tabSeparated.split("\t"));
    }

    private static void check(
            List<Finding> out, boolean ok, String problem, String good, String fix) {
        out.add(ok ? new Finding(Level.OK, good, null) : new Finding(Level.ERROR, problem, fix));
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A glob ({@code *}) as a LIKE pattern, with LIKE's own wildcards escaped. */
    static String like(String glob) {
        return glob.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace("*", "%");
    }

    /** A glob ({@code *}) as the regular expression Flink CDC matches table names with. */
    static String regex(String glob) {
        StringBuilder b = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            if (ch == '*') {
                b.append(".*");
            } else {
                if (".$^+?()[]{}|\\".indexOf(ch) >= 0) {
                    b.append('\\');
                }
                b.append(ch);
            }
        }
        return b.toString();
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
