package io.tributary.connectors.cdc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The row estimates of the tables a {@code tributary-cdc} table source captures, asked of the
 * database over JDBC (with the source's own TLS settings) when the first reader starts. Best
 * effort: a database that cannot be asked gives no estimate, and the progress shows rows read only.
 * The password is carried as the source's own configuration carries it, and never shown.
 */
final class JdbcEstimates implements ProgressSource.Estimates {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(JdbcEstimates.class);

    private final CdcConnection.Kind kind;
    private final String url;
    private final String database;
    private final Properties properties;
    private final ArrayList<String> tables;

    /**
     * @param url a JDBC URL without credentials
     * @param properties the driver's properties: user, password, TLS settings
     * @param tables the tables as {@link CdcReadiness#check} names them
     */
    JdbcEstimates(
            CdcConnection.Kind kind,
            String url,
            String database,
            Properties properties,
            List<String> tables) {
        this.kind = kind;
        this.url = url;
        this.database = database;
        this.properties = new Properties();
        this.properties.putAll(properties);
        this.tables = new ArrayList<>(tables);
    }

    @Override
    public Map<String, Long> get() {
        try (Connection c = DriverManager.getConnection(url, properties)) {
            return CdcReadiness.estimates(c, kind, database, tables);
        } catch (SQLException | RuntimeException e) {
            LOG.warn(
                    "No row estimate for the snapshot progress of {} ({}): {}",
                    tables,
                    url,
                    e.getMessage());
            return Map.of();
        }
    }

    @Override
    public String toString() {
        return "row estimates of " + tables + " at " + url;
    }
}
