package io.tributary.connectors.redshift.internal;

import io.tributary.connectors.redshift.RedshiftConnectorOptions.SchemaEvolution;
import io.tributary.connectors.redshift.dialect.DimensionColumns;
import io.tributary.connectors.redshift.dialect.WarehouseDialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.annotation.Internal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the target fit the sink before rows arrive: creates schema, table and bookmark table when
 * missing, and adds the sink's columns the target lacks (EVOLVE) or refuses to start (FAIL).
 * Idempotent and safe when several subtasks run it at once.
 */
@Internal
public final class TablePreparer {

    private static final Logger LOG = LoggerFactory.getLogger(TablePreparer.class);

    private TablePreparer() {}

    public static void prepare(SinkSpec spec, Connection c) throws SQLException {
        SQLException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                prepareOnce(spec, c);
                return;
            } catch (SQLException e) {
                // concurrent CREATE ... IF NOT EXISTS from other subtasks can collide: re-check
                last = e;
                try {
                    Thread.sleep(50L * (attempt + 1));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        throw last;
    }

    private static void prepareOnce(SinkSpec spec, Connection c) throws SQLException {
        WarehouseDialect d = spec.dialect();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            Map<String, ColumnWidening.TargetColumn> existing =
                    columnsOf(c, spec.target().schema(), spec.target().table());
            if (existing.isEmpty()) {
                if (!spec.autoCreate()) {
                    throw new IllegalStateException(
                            "Target table "
                                    + spec.target()
                                    + " does not exist: create it or set 'sink.auto-create' = 'true'");
                }
                s.execute(d.createSchema(spec.target().schema()));
                s.execute(
                        d.createTable(
                                spec.target(),
                                spec.tableColumns(),
                                spec.tableTypes(),
                                spec.keys()));
                LOG.info(
                        "Created table {} ({} columns, key {})",
                        spec.target(),
                        spec.tableColumns().size(),
                        spec.keys());
            } else {
                List<Integer> missing = new ArrayList<>();
                for (int i = 0; i < spec.tableColumns().size(); i++) {
                    if (!existing.containsKey(spec.tableColumns().get(i))) {
                        missing.add(i);
                    }
                }
                if (!missing.isEmpty()) {
                    List<String> names = missing.stream().map(spec.tableColumns()::get).toList();
                    if (spec.evolution() == SchemaEvolution.FAIL) {
                        throw new IllegalStateException(
                                "Target table "
                                        + spec.target()
                                        + " lacks columns "
                                        + names
                                        + ": add them, or set 'sink.schema-evolution' = 'EVOLVE'");
                    }
                    for (int i : missing) {
                        s.execute(
                                d.addColumn(
                                        spec.target(),
                                        spec.tableColumns().get(i),
                                        spec.tableTypes().get(i)));
                    }
                    LOG.info(
                            "Added columns {} to {} (existing rows hold NULL)",
                            names,
                            spec.target());
                }
                widen(spec, s, existing);
            }
            s.execute(d.createSchema(spec.bookmarks().schema()));
            s.execute(d.createBookmarkTable(spec.bookmarks()));
            if (spec.dimension().isPresent()) {
                DimensionColumns dim = spec.dimension().get();
                List<String> columns = dim.tableColumns();
                s.execute(
                        d.createTable(
                                dim.table(),
                                columns,
                                columns.stream().map(spec::typeOf).toList(),
                                List.of(dim.keyColumn())));
            }
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Widens target columns narrower than what the sink writes (EVOLVE), or refuses (FAIL). */
    private static void widen(
            SinkSpec spec, Statement s, Map<String, ColumnWidening.TargetColumn> existing)
            throws SQLException {
        WarehouseDialect d = spec.dialect();
        List<String> changes = new ArrayList<>();
        List<String> sql = new ArrayList<>();
        for (int i = 0; i < spec.tableColumns().size(); i++) {
            String column = spec.tableColumns().get(i);
            ColumnWidening.TargetColumn have = existing.get(column);
            if (have == null) {
                continue;
            }
            Optional<String> wider = ColumnWidening.widenedType(d, have, spec.tableTypes().get(i));
            if (wider.isPresent()) {
                changes.add(column + ": " + have.typeName() + " -> " + wider.get());
                sql.add(d.alterColumnType(spec.target(), column, wider.get()));
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        if (spec.evolution() == SchemaEvolution.FAIL) {
            throw new IllegalStateException(
                    "Target table "
                            + spec.target()
                            + " has columns narrower than the sink writes "
                            + changes
                            + ": widen them, or set 'sink.schema-evolution' = 'EVOLVE'");
        }
        for (String q : sql) {
            s.execute(q);
        }
        LOG.info("Widened columns of {}: {}", spec.target(), changes);
    }

    /** Columns of a table, as stored (case kept); empty when the table does not exist. */
    static Map<String, ColumnWidening.TargetColumn> columnsOf(
            Connection c, String schema, String table) throws SQLException {
        Map<String, ColumnWidening.TargetColumn> columns = new HashMap<>();
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet rs = md.getColumns(null, escape(md, schema), escape(md, table), null)) {
            while (rs.next()) {
                // getColumns treats schema and table as LIKE patterns: keep exact matches only
                if (schema.equals(rs.getString("TABLE_SCHEM"))
                        && table.equals(rs.getString("TABLE_NAME"))) {
                    columns.put(
                            rs.getString("COLUMN_NAME"),
                            new ColumnWidening.TargetColumn(
                                    rs.getString("TYPE_NAME"),
                                    rs.getInt("COLUMN_SIZE"),
                                    rs.getInt("DECIMAL_DIGITS")));
                }
            }
        }
        return columns;
    }

    private static String escape(DatabaseMetaData md, String pattern) throws SQLException {
        String esc = md.getSearchStringEscape();
        return pattern.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
    }
}
