package io.tributary.connectors.cdc;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
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
public final class CdcDynamicTableFactory implements DynamicTableSourceFactory {

    public static final String IDENTIFIER = "tributary-cdc";

    public static final ConfigOption<String> DATABASE_TYPE =
            ConfigOptions.key("database-type")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "mysql (MySQL, MariaDB, Aurora MySQL: Flink CDC's mysql-cdc) or"
                                    + " postgres (PostgreSQL, Aurora PostgreSQL: postgres-cdc).");

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
                        ? o.get("database-name")
                        : o.getOrDefault("schema-name", "public");
        return namespace + "." + o.get("table-name");
    }

    /** Asked over JDBC with the source's own host, credentials and TLS settings. */
    private static ProgressSource.Estimates estimates(
            CdcConnection.Kind kind, Map<String, String> o, String table) {
        Properties p = new Properties();
        if (o.get("username") != null) {
            p.setProperty("user", o.get("username"));
        }
        if (o.get("password") != null) {
            p.setProperty("password", o.get("password"));
        }
        String host = o.get("hostname");
        String url;
        if (kind == CdcConnection.Kind.MYSQL) {
            url = "jdbc:mysql://" + host + ":" + o.getOrDefault("port", "3306") + "/";
            p.setProperty("connectTimeout", "5000");
            p.setProperty("socketTimeout", "10000");
            p.setProperty("allowPublicKeyRetrieval", "true");
            // Flink CDC's own JDBC connections: plain unless jdbc.properties.sslMode says
            // otherwise
            p.setProperty("useSSL", "false");
            o.forEach(
                    (k, v) -> {
                        if (k.startsWith("jdbc.properties.")) {
                            p.setProperty(k.substring("jdbc.properties.".length()), v);
                        }
                    });
            if (p.getProperty("sslMode") != null) {
                p.remove("useSSL");
            }
        } else {
            url =
                    "jdbc:postgresql://"
                            + host
                            + ":"
                            + o.getOrDefault("port", "5432")
                            + "/"
                            + o.get("database-name");
            p.setProperty("connectTimeout", "5");
            p.setProperty("socketTimeout", "10");
            // Debezium's database.ssl* are the PostgreSQL driver's own names
            for (String k : List.of("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword")) {
                String v = o.get("debezium.database." + k);
                if (v != null) {
                    p.setProperty(k, v);
                }
            }
        }
        return new JdbcEstimates(kind, url, o.get("database-name"), p, List.of(table));
    }
}
