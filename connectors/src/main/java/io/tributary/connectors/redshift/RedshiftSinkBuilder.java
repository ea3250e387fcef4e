package io.tributary.connectors.redshift;

import io.tributary.connectors.changes.SourceTable;
import io.tributary.connectors.redshift.internal.SinkSpec;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.types.logical.RowType;

/**
 * Builds the warehouse sink for DataStream jobs from the same {@link RedshiftConnectorOptions} the
 * Table API factory reads: a {@link RedshiftSink} of RowData, or a {@link RedshiftChangeSink} of a
 * captured table's change records.
 */
@PublicEvolving
public final class RedshiftSinkBuilder {

    private final Configuration options = new Configuration();
    private RowType rowType;
    private List<String> keys = List.of();
    private SourceTable source;
    private String registryUrl;
    private String catalogDatabase;

    RedshiftSinkBuilder() {}

    /** Any option of {@link RedshiftConnectorOptions}. */
    public <T> RedshiftSinkBuilder option(ConfigOption<T> option, T value) {
        options.set(option, value);
        return this;
    }

    /** Copies every option present in {@code config}. */
    public RedshiftSinkBuilder options(ReadableConfig config) {
        options.addAll(Configuration.fromMap(((Configuration) config).toMap()));
        return this;
    }

    public RedshiftSinkBuilder url(String url) {
        return option(RedshiftConnectorOptions.URL, url);
    }

    public RedshiftSinkBuilder table(String schema, String table) {
        option(RedshiftConnectorOptions.SCHEMA_NAME, schema);
        return option(RedshiftConnectorOptions.TABLE_NAME, table);
    }

    /** The rows' type: column names and Flink types, in the order the RowData holds them. */
    public RedshiftSinkBuilder rowType(RowType rowType) {
        this.rowType = rowType;
        return this;
    }

    /** Primary key columns (upsert mode); none for append. */
    public RedshiftSinkBuilder keys(List<String> keys) {
        this.keys = List.copyOf(keys);
        return this;
    }

    /** The captured table whose changes a {@link RedshiftChangeSink} applies. */
    public RedshiftSinkBuilder source(SourceTable table) {
        this.source = table;
        return this;
    }

    /** The registry and catalog database the CDC source registers the table's shapes under. */
    public RedshiftSinkBuilder registry(String url, String catalogDatabase) {
        this.registryUrl = url;
        this.catalogDatabase = catalogDatabase;
        return this;
    }

    /** The sink of a {@link #rowType} stream of RowData (the Table API's changelog). */
    public RedshiftSink build() {
        if (rowType == null) {
            throw new IllegalArgumentException("rowType(...) is required");
        }
        return new RedshiftSink(new SinkSpec(options, rowType, keys));
    }

    /**
     * The sink of one captured table's change records, following its schema from the registry
     * (needs {@link #source} and {@link #registry}, not a row type).
     */
    public RedshiftChangeSink buildForChanges() {
        if (source == null || registryUrl == null) {
            throw new IllegalArgumentException(
                    "source(table) and registry(url, catalogDatabase) are required: the sink"
                            + " takes the table's columns from the registry");
        }
        return new RedshiftChangeSink(
                new Configuration(options),
                source,
                registryUrl,
                source.subject(catalogDatabase),
                keys);
    }
}
