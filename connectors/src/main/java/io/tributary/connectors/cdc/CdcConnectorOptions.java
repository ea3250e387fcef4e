package io.tributary.connectors.cdc;

import java.util.Map;
import java.util.Properties;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The options of {@code 'connector' = 'tributary-cdc'}: the ones Tributary reads or sets, under
 * Flink CDC's own keys ({@code mysql-cdc} and {@code postgres-cdc} take and check them). Every key
 * of a change-stream table is spelled here and nowhere else.
 */
@PublicEvolving
public final class CdcConnectorOptions {

    public static final ConfigOption<String> DATABASE_TYPE =
            ConfigOptions.key("database-type")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "mysql (MySQL, MariaDB, Aurora MySQL: Flink CDC's mysql-cdc) or"
                                    + " postgres (PostgreSQL, Aurora PostgreSQL: postgres-cdc).");

    public static final ConfigOption<String> HOSTNAME =
            ConfigOptions.key("hostname").stringType().noDefaultValue().withDescription("Host.");

    public static final ConfigOption<Integer> PORT =
            ConfigOptions.key("port")
                    .intType()
                    .noDefaultValue()
                    .withDescription("Port (3306 for MySQL, 5432 for PostgreSQL).");

    public static final ConfigOption<String> USERNAME =
            ConfigOptions.key("username").stringType().noDefaultValue().withDescription("User.");

    public static final ConfigOption<String> PASSWORD =
            ConfigOptions.key("password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password (never logged).");

    public static final ConfigOption<String> DATABASE_NAME =
            ConfigOptions.key("database-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("MySQL: the table's database. PostgreSQL: the database.");

    public static final ConfigOption<String> SCHEMA_NAME =
            ConfigOptions.key("schema-name")
                    .stringType()
                    .defaultValue("public")
                    .withDescription("PostgreSQL: the table's schema.");

    public static final ConfigOption<String> TABLE_NAME =
            ConfigOptions.key("table-name").stringType().noDefaultValue().withDescription("Table.");

    public static final ConfigOption<String> SERVER_ID =
            ConfigOptions.key("server-id")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "MySQL: the replica id(s) of the binlog readers, e.g. 5400-5404.");

    public static final ConfigOption<String> SERVER_TIME_ZONE =
            ConfigOptions.key("server-time-zone")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("MySQL: the session time zone of TIMESTAMP columns.");

    public static final ConfigOption<String> SCAN_STARTUP_MODE =
            ConfigOptions.key("scan.startup.mode")
                    .stringType()
                    .defaultValue("initial")
                    .withDescription(
                            "initial (snapshot, then changes) or latest-offset (changes from now).");

    public static final ConfigOption<String> SLOT_NAME =
            ConfigOptions.key("slot.name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("PostgreSQL: the replication slot, one per reader.");

    public static final ConfigOption<String> DECODING_PLUGIN_NAME =
            ConfigOptions.key("decoding.plugin.name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("PostgreSQL: the logical decoding plugin (pgoutput).");

    public static final ConfigOption<Boolean> SCAN_INCREMENTAL_SNAPSHOT_ENABLED =
            ConfigOptions.key("scan.incremental.snapshot.enabled")
                    .booleanType()
                    .noDefaultValue()
                    .withDescription("PostgreSQL: Flink CDC's parallel, lock-free snapshot.");

    public static final ConfigOption<String> CHANGELOG_MODE =
            ConfigOptions.key("changelog-mode")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "PostgreSQL: upsert (no before images needed, whatever the table's"
                                    + " REPLICA IDENTITY) or all.");

    /** Debezium's own properties: {@code debezium.<property>}. */
    public static final String DEBEZIUM_PREFIX = "debezium.";

    /** Connector/J properties of Flink CDC's JDBC connections: {@code jdbc.properties.<name>}. */
    public static final String JDBC_PROPERTIES_PREFIX = "jdbc.properties.";

    /** MySQL: how often the binlog client checks its connection (Debezium's default: 1 min). */
    public static final ConfigOption<String> KEEP_ALIVE_INTERVAL_MS =
            ConfigOptions.key(DEBEZIUM_PREFIX + "connect.keep.alive.interval.ms")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("MySQL: binlog connection keep-alive, in ms.");

    /** MySQL: TLS of the binlog client (Debezium's names: disabled … verify_identity). */
    public static final ConfigOption<String> MYSQL_BINLOG_SSL_MODE =
            ConfigOptions.key(DEBEZIUM_PREFIX + "database.ssl.mode")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("MySQL: TLS of the binlog connection.");

    /** MySQL: TLS of the snapshot's JDBC connections (Connector/J's names: DISABLED …). */
    public static final ConfigOption<String> MYSQL_JDBC_SSL_MODE =
            ConfigOptions.key(JDBC_PROPERTIES_PREFIX + "sslMode")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("MySQL: TLS of the snapshot's JDBC connections.");

    /** PostgreSQL's driver property names, read through Debezium's {@code database.} prefix. */
    public static final String POSTGRES_SSL_PREFIX = DEBEZIUM_PREFIX + "database.";

    /** PostgreSQL: libpq's sslmode, for the snapshot and the replication connection. */
    public static final ConfigOption<String> POSTGRES_SSL_MODE =
            ConfigOptions.key(POSTGRES_SSL_PREFIX + "sslmode")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("PostgreSQL: TLS (libpq's sslmode names).");

    /** PostgreSQL: the CA file the server's certificate chains to. */
    public static final ConfigOption<String> POSTGRES_SSL_ROOT_CERT =
            ConfigOptions.key(POSTGRES_SSL_PREFIX + "sslrootcert")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("PostgreSQL: the CA certificate file (PEM).");

    /**
     * The JDBC driver properties a capture's own connections take from a {@code tributary-cdc}
     * table's options: MySQL's {@code jdbc.properties.*}, PostgreSQL's {@code
     * debezium.database.ssl*} (the driver's own names). The snapshot's estimate, the readiness
     * check and MySQL's snapshot connect with them, so they reach the database as the change stream
     * does (its TLS).
     */
    public static Properties driverProperties(Map<String, String> options) {
        Properties p = new Properties();
        boolean postgres = "postgres".equals(options.get(DATABASE_TYPE.key()));
        options.forEach(
                (k, v) -> {
                    if (!postgres && k.startsWith(JDBC_PROPERTIES_PREFIX)) {
                        p.setProperty(k.substring(JDBC_PROPERTIES_PREFIX.length()), v);
                    }
                    if (postgres && k.startsWith(POSTGRES_SSL_PREFIX + "ssl")) {
                        p.setProperty(k.substring(POSTGRES_SSL_PREFIX.length()), v);
                    }
                });
        return p;
    }

    private CdcConnectorOptions() {}
}
