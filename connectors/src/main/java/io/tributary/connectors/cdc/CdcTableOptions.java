package io.tributary.connectors.cdc;

import static io.tributary.connectors.cdc.CdcConnectorOptions.CHANGELOG_MODE;
import static io.tributary.connectors.cdc.CdcConnectorOptions.DATABASE_NAME;
import static io.tributary.connectors.cdc.CdcConnectorOptions.DATABASE_TYPE;
import static io.tributary.connectors.cdc.CdcConnectorOptions.DECODING_PLUGIN_NAME;
import static io.tributary.connectors.cdc.CdcConnectorOptions.HOSTNAME;
import static io.tributary.connectors.cdc.CdcConnectorOptions.KEEP_ALIVE_INTERVAL_MS;
import static io.tributary.connectors.cdc.CdcConnectorOptions.MYSQL_BINLOG_SSL_MODE;
import static io.tributary.connectors.cdc.CdcConnectorOptions.MYSQL_JDBC_SSL_MODE;
import static io.tributary.connectors.cdc.CdcConnectorOptions.PASSWORD;
import static io.tributary.connectors.cdc.CdcConnectorOptions.PORT;
import static io.tributary.connectors.cdc.CdcConnectorOptions.POSTGRES_SSL_MODE;
import static io.tributary.connectors.cdc.CdcConnectorOptions.POSTGRES_SSL_ROOT_CERT;
import static io.tributary.connectors.cdc.CdcConnectorOptions.SCAN_INCREMENTAL_SNAPSHOT_ENABLED;
import static io.tributary.connectors.cdc.CdcConnectorOptions.SCAN_STARTUP_MODE;
import static io.tributary.connectors.cdc.CdcConnectorOptions.SCHEMA_NAME;
import static io.tributary.connectors.cdc.CdcConnectorOptions.SERVER_ID;
import static io.tributary.connectors.cdc.CdcConnectorOptions.SERVER_TIME_ZONE;
import static io.tributary.connectors.cdc.CdcConnectorOptions.SLOT_NAME;
import static io.tributary.connectors.cdc.CdcConnectorOptions.TABLE_NAME;
import static io.tributary.connectors.cdc.CdcConnectorOptions.USERNAME;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * The one derivation of a {@code tributary-cdc} table from a JDBC URL: a pipeline's {@code cdc}
 * source and a crawled JDBC table read in continuous mode both come here, so the same table gets
 * the same options (slot, changelog mode, keep-alive, TLS) whichever way it is read.
 *
 * <pre>{@code
 * Map<String, String> options = CdcTableOptions.forUrl("jdbc:mysql://db:3306/shop")
 *     .credentials("cdc", password).table("shop", "customers").keyed(true)
 *     .reader("customers").options();
 * }</pre>
 */
@PublicEvolving
public final class CdcTableOptions {

    private final CdcConnection connection;
    private String namespace;
    private String table;
    private boolean keyed;
    private String reader;
    private String slot;
    private boolean latest;
    private String serverId;
    private String sslMode;
    private String sslRootCert;
    private String user;
    private String password;

    private CdcTableOptions(CdcConnection connection) {
        this.connection = connection;
    }

    /** {@code jdbc:mysql://}, {@code jdbc:mariadb://} or {@code jdbc:postgresql://}. */
    public static CdcTableOptions forUrl(String jdbcUrl) {
        return new CdcTableOptions(CdcConnection.parse(jdbcUrl, null, null));
    }

    /** Credentials given apart from the URL win over its parameters. */
    public CdcTableOptions credentials(String user, String password) {
        this.user = user;
        this.password = password;
        return this;
    }

    /**
     * The table: its database (MySQL) or schema (PostgreSQL), null for the URL's database (MySQL)
     * or {@code public} (PostgreSQL).
     */
    public CdcTableOptions table(String namespace, String table) {
        this.namespace = namespace;
        this.table = table;
        return this;
    }

    /** With a primary key, PostgreSQL's changes are read as upserts (no before images needed). */
    public CdcTableOptions keyed(boolean keyed) {
        this.keyed = keyed;
        return this;
    }

    /**
     * Who reads: PostgreSQL's default slot is {@code tributary_<reader>_<schema>_<table>}, one per
     * reader (two readers on one slot would steal each other's changes). Default: the database.
     */
    public CdcTableOptions reader(String reader) {
        this.reader = reader;
        return this;
    }

    /** PostgreSQL: a replication slot of the user's choice instead of the default. */
    public CdcTableOptions slot(String slot) {
        this.slot = slot;
        return this;
    }

    /** Changes from now on only, no snapshot. */
    public CdcTableOptions latest(boolean latest) {
        this.latest = latest;
        return this;
    }

    /** MySQL: the binlog readers' replica id(s). */
    public CdcTableOptions serverId(String serverId) {
        this.serverId = serverId;
        return this;
    }

    /** TLS in libpq's sslmode names (disable … verify-full), and PostgreSQL's CA file. */
    public CdcTableOptions tls(String sslMode, String sslRootCert) {
        this.sslMode = sslMode == null ? null : sslMode.toLowerCase(Locale.ROOT);
        this.sslRootCert = sslRootCert;
        return this;
    }

    public Map<String, String> options() {
        if (table == null) {
            throw new IllegalStateException("table(namespace, table) is required");
        }
        CdcConnection c = connection;
        boolean postgres = c.kind() == CdcConnection.Kind.POSTGRES;
        Map<String, String> o = new LinkedHashMap<>();
        o.put(FactoryUtil.CONNECTOR.key(), CdcDynamicTableFactory.IDENTIFIER);
        o.put(DATABASE_TYPE.key(), postgres ? "postgres" : "mysql");
        o.put(HOSTNAME.key(), c.host());
        o.put(PORT.key(), Integer.toString(c.port()));
        put(o, USERNAME, user != null ? user : c.user());
        put(o, PASSWORD, password != null ? password : c.password());
        o.put(TABLE_NAME.key(), table);
        o.put(SCAN_STARTUP_MODE.key(), latest ? "latest-offset" : "initial");
        if (postgres) {
            String schema = namespace != null ? namespace : SCHEMA_NAME.defaultValue();
            o.put(DATABASE_NAME.key(), c.database());
            o.put(SCHEMA_NAME.key(), schema);
            o.put(DECODING_PLUGIN_NAME.key(), "pgoutput");
            o.put(SCAN_INCREMENTAL_SNAPSHOT_ENABLED.key(), "true");
            if (keyed) {
                // works whatever the table's REPLICA IDENTITY: Flink restores the before image
                o.put(CHANGELOG_MODE.key(), "upsert");
            }
            String name =
                    slot != null
                            ? slot
                            : ("tributary_"
                                            + (reader != null ? reader : c.database())
                                            + "_"
                                            + schema
                                            + "_"
                                            + table)
                                    .toLowerCase(Locale.ROOT)
                                    .replaceAll("[^a-z0-9_]", "_");
            o.put(SLOT_NAME.key(), name.length() > 63 ? name.substring(0, 63) : name);
            // TLS for the snapshot and the replication connection (Debezium's database.ssl*)
            put(o, POSTGRES_SSL_MODE, sslMode);
            put(o, POSTGRES_SSL_ROOT_CERT, sslRootCert);
        } else {
            o.put(DATABASE_NAME.key(), namespace != null ? namespace : c.database());
            o.put(SERVER_TIME_ZONE.key(), "UTC");
            // a rebooted database (RDS maintenance, a failover) is noticed and reconnected to
            // within seconds, not Debezium's default minute
            o.put(KEEP_ALIVE_INTERVAL_MS.key(), "5000");
            put(o, SERVER_ID, serverId);
            if (sslMode != null) {
                // libpq's names to MySQL's: the binlog client's and Connector/J's
                String mysql =
                        switch (sslMode) {
                            case "disable" -> "disabled";
                            case "prefer", "allow" -> "preferred";
                            case "require" -> "required";
                            case "verify-ca" -> "verify_ca";
                            case "verify-full" -> "verify_identity";
                            default ->
                                    throw new IllegalArgumentException(
                                            "ssl-mode '"
                                                    + sslMode
                                                    + "' is not one of disable, allow, prefer,"
                                                    + " require, verify-ca, verify-full");
                        };
                o.put(MYSQL_BINLOG_SSL_MODE.key(), mysql);
                o.put(MYSQL_JDBC_SSL_MODE.key(), mysql.toUpperCase(Locale.ROOT));
            }
        }
        return o;
    }

    private static void put(Map<String, String> o, ConfigOption<?> key, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(key.key(), value);
        }
    }
}
