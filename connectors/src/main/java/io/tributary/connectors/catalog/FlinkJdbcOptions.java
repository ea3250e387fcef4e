package io.tributary.connectors.catalog;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The keys of Flink's own {@code jdbc} connector that a crawled JDBC table read bounded carries
 * (flink-connector-jdbc is on a job's classpath, not this module's, so its options class is not).
 */
final class FlinkJdbcOptions {

    static final String IDENTIFIER = "jdbc";

    static final ConfigOption<String> URL =
            ConfigOptions.key("url").stringType().noDefaultValue().withDescription("JDBC URL.");

    static final ConfigOption<String> TABLE_NAME =
            ConfigOptions.key("table-name").stringType().noDefaultValue().withDescription("Table.");

    static final ConfigOption<String> USERNAME =
            ConfigOptions.key("username").stringType().noDefaultValue().withDescription("User.");

    static final ConfigOption<String> PASSWORD =
            ConfigOptions.key("password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password.");

    private FlinkJdbcOptions() {}
}
