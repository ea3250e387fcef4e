package io.tributary.connectors.cdc;

import static io.tributary.connectors.cdc.CdcConnectorOptions.DATABASE_NAME;
import static io.tributary.connectors.cdc.CdcConnectorOptions.DATABASE_TYPE;
import static io.tributary.connectors.cdc.CdcConnectorOptions.HOSTNAME;
import static io.tributary.connectors.cdc.CdcConnectorOptions.PASSWORD;
import static io.tributary.connectors.cdc.CdcConnectorOptions.PORT;
import static io.tributary.connectors.cdc.CdcConnectorOptions.SCHEMA_NAME;
import static io.tributary.connectors.cdc.CdcConnectorOptions.TABLE_NAME;
import static io.tributary.connectors.cdc.CdcConnectorOptions.USERNAME;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.abilities.SupportsReadingMetadata;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * {@code 'connector' = 'tributary-cdc'}: Flink CDC's {@code mysql-cdc} or {@code postgres-cdc}
 * table source ({@code 'database-type' = 'mysql' | 'postgres'}; every other option is Flink CDC's
 * and checked by it) with what Tributary's own CDC source adds: per-table snapshot progress against
 * the database's row estimate, the changes streamed after it, the {@code streaming} flag that says
 * the snapshot is done (what {@code tributary cdc progress} shows), and a clear, final error when a
 * MySQL table's columns change between its snapshot and streaming ({@link
 * ColumnsChangedBeforeStreaming}). The records are Flink CDC's, untouched.
 *
 * <pre>{@code
 * CREATE TABLE customers (id INT, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
 *   'connector' = 'tributary-cdc', 'database-type' = 'mysql',
 *   'hostname' = 'db', 'port' = '3306', 'username' = 'cdc', 'password' = '...',
 *   'database-name' = 'shop', 'table-name' = 'customers')
 * }</pre>
 */
@PublicEvolving
public final class CdcDynamicTableFactory implements DynamicTableSourceFactory {

    public static final String IDENTIFIER = "tributary-cdc";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(DATABASE_TYPE);
    }

    /** Flink CDC's options are taken and checked by Flink CDC's factory, not listed here. */
    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of();
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        Map<String, String> options = context.getCatalogTable().getOptions();
        String type = options.get(DATABASE_TYPE.key());
        CdcConnection.Kind kind =
                switch (type == null ? "" : type.toLowerCase(Locale.ROOT)) {
                    case "mysql", "mariadb" -> CdcConnection.Kind.MYSQL;
                    case "postgres", "postgresql" -> CdcConnection.Kind.POSTGRES;
                    default ->
                            throw new ValidationException(
                                    "Table "
                                            + context.getObjectIdentifier().asSummaryString()
                                            + ": '"
                                            + DATABASE_TYPE.key()
                                            + "' must be 'mysql' or 'postgres', not "
                                            + (type == null ? "missing" : "'" + type + "'"));
                };
        Map<String, String> flinkCdc = new HashMap<>(options);
        flinkCdc.remove(DATABASE_TYPE.key());
        // Debezium's poll wait, short unless the table says otherwise (see CdcSourceBuilder)
        flinkCdc.putIfAbsent(
                CdcConnectorOptions.DEBEZIUM_PREFIX + CdcSourceBuilder.POLL_INTERVAL,
                CdcSourceBuilder.DEFAULT_POLL_INTERVAL_MS);
        String delegateId = kind == CdcConnection.Kind.MYSQL ? "mysql-cdc" : "postgres-cdc";
        flinkCdc.put(FactoryUtil.CONNECTOR.key(), delegateId);
        DynamicTableSourceFactory factory =
                FactoryUtil.discoverFactory(
                        context.getClassLoader(), DynamicTableSourceFactory.class, delegateId);
        DynamicTableSource delegate =
                factory.createDynamicTableSource(
                        new FactoryUtil.DefaultDynamicTableContext(
                                context.getObjectIdentifier(),
                                context.getCatalogTable().copy(flinkCdc),
                                context.getEnrichmentOptions(),
                                context.getConfiguration(),
                                context.getClassLoader(),
                                context.isTemporary()));
        if (!(delegate instanceof ScanTableSource scan)
                || !(delegate instanceof SupportsReadingMetadata)) {
            throw new ValidationException(
                    delegateId
                            + " gave a "
                            + delegate.getClass().getName()
                            + ", not a scan source");
        }
        String table = table(kind, options);
        return new CdcDynamicSource(scan, table, estimates(kind, options, table));
    }

    /** The captured table as progress and errors name it: database.table or schema.table. */
    private static String table(CdcConnection.Kind kind, Map<String, String> o) {
        String namespace =
                kind == CdcConnection.Kind.MYSQL
                        ? o.get(DATABASE_NAME.key())
                        : o.getOrDefault(SCHEMA_NAME.key(), SCHEMA_NAME.defaultValue());
        return namespace + "." + o.get(TABLE_NAME.key());
    }

    /** Asked over JDBC with the source's own host, credentials and TLS settings. */
    private static ProgressSource.Estimates estimates(
            CdcConnection.Kind kind, Map<String, String> o, String table) {
        Properties p = new Properties();
        if (o.get(USERNAME.key()) != null) {
            p.setProperty("user", o.get(USERNAME.key()));
        }
        if (o.get(PASSWORD.key()) != null) {
            p.setProperty("password", o.get(PASSWORD.key()));
        }
        String host = o.get(HOSTNAME.key());
        String url;
        if (kind == CdcConnection.Kind.MYSQL) {
            url = "jdbc:mysql://" + host + ":" + o.getOrDefault(PORT.key(), "3306") + "/";
            p.setProperty("connectTimeout", "5000");
            p.setProperty("socketTimeout", "10000");
            p.setProperty("allowPublicKeyRetrieval", "true");
            // Flink CDC's own JDBC connections: plain unless jdbc.properties.sslMode says
            // otherwise
            p.setProperty("useSSL", "false");
            p.putAll(CdcConnectorOptions.driverProperties(o));
            if (p.getProperty("sslMode") != null) {
                p.remove("useSSL");
            }
        } else {
            url =
                    "jdbc:postgresql://"
                            + host
                            + ":"
                            + o.getOrDefault(PORT.key(), "5432")
                            + "/"
                            + o.get(DATABASE_NAME.key());
            p.setProperty("connectTimeout", "5");
            p.setProperty("socketTimeout", "10");
            // Debezium's database.ssl* are the PostgreSQL driver's own names
            p.putAll(CdcConnectorOptions.driverProperties(o));
        }
        return new JdbcEstimates(kind, url, o.get(DATABASE_NAME.key()), p, List.of(table));
    }
}
