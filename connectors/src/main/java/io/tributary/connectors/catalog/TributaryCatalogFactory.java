package io.tributary.connectors.catalog;

import io.tributary.connectors.storage.S3AccessOptions;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.factories.CatalogFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * {@code CREATE CATALOG lake WITH ('type' = 'tributary', 'store' = '...')}: Flink SQL sees the
 * Tributary catalog's databases, tables and partitions.
 */
@PublicEvolving
public final class TributaryCatalogFactory implements CatalogFactory {

    public static final String IDENTIFIER = "tributary";

    public static final ConfigOption<String> STORE =
            ConfigOptions.key("store")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where the catalog is kept: a folder for the embedded store (default:"
                                    + " $TRIBUTARY_HOME/catalog, else ./.tributary/catalog), or a"
                                    + " jdbc:postgresql:// URL.");

    public static final ConfigOption<String> QUARANTINE_PATH =
            ConfigOptions.key("quarantine.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where reads of the catalog's file tables put bad records, a folder per"
                                    + " table (<path>/<db>/<table>/); default: quarantine/ beside"
                                    + " an embedded store, else $TRIBUTARY_HOME/quarantine. Never"
                                    + " the data's own location.");

    public static final ConfigOption<String> STORE_USER =
            ConfigOptions.key("store.user")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("User of a PostgreSQL catalog store.");

    public static final ConfigOption<String> STORE_PASSWORD =
            ConfigOptions.key("store.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password of a PostgreSQL catalog store.");

    public static final ConfigOption<String> DEFAULT_DATABASE =
            ConfigOptions.key("default-database")
                    .stringType()
                    .defaultValue("default")
                    .withDescription("The database USE CATALOG switches to (created if missing).");

    public static final ConfigOption<String> JDBC_PASSWORD =
            ConfigOptions.key("jdbc.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Password added to the options of crawled JDBC tables (the catalog"
                                    + " never stores one).");

    public static final ConfigOption<String> CDC_READER =
            ConfigOptions.key("cdc.reader")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Who reads the change streams of JDBC tables in continuous mode: a"
                                    + " PostgreSQL table's replication slot is"
                                    + " tributary_<reader>_<schema>_<table> (default: the"
                                    + " database). A pipeline's catalog source sets its name.");

    public static final ConfigOption<String> SCAN_MODE =
            ConfigOptions.key("scan.mode")
                    .stringType()
                    .defaultValue("bounded")
                    .withDescription(
                            "How tables are read: bounded (a query over what is there) or"
                                    + " continuous (files: new files as they land; MySQL and"
                                    + " PostgreSQL tables: their change stream through Flink CDC,"
                                    + " a snapshot then every insert, update and delete).");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new HashSet<>(S3AccessOptions.OPTIONS);
        options.addAll(
                Set.of(
                        STORE,
                        STORE_USER,
                        STORE_PASSWORD,
                        DEFAULT_DATABASE,
                        JDBC_PASSWORD,
                        CDC_READER,
                        SCAN_MODE,
                        QUARANTINE_PATH));
        return options;
    }

    @Override
    public Catalog createCatalog(Context context) {
        FactoryUtil.CatalogFactoryHelper helper =
                FactoryUtil.createCatalogFactoryHelper(this, context);
        helper.validate();
        return new TributaryFlinkCatalog(context.getName(), context.getOptions());
    }
}
