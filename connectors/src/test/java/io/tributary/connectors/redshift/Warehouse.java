package io.tributary.connectors.redshift;

import io.tributary.embedded.PostgresService;
import io.tributary.embedded.SharedServices;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The test warehouse: the shared PostgreSQL, one database per test class, plain SQL helpers. */
public final class Warehouse {

    final PostgresService pg = SharedServices.postgres();
    final String database;
    public final String url;

    public Warehouse(String database) {
        this.database = database;
        this.url = pg.createDatabase(database);
    }

    public void execute(String... sql) throws SQLException {
        try (Connection c = pg.connect(database);
                Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** Every row of a query, columns joined by '|', NULL as "null". */
    public List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    if (i > 1) {
                        sb.append('|');
                    }
                    sb.append(rs.getString(i));
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    public long count(String sql) throws SQLException {
        return Long.parseLong(rows(sql).get(0));
    }
}
