package io.tributary.connectors.redshift;

import io.tributary.connectors.redshift.internal.SinkSpec;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.types.logical.RowType;

/**
 * Builds a {@link RedshiftSink} for DataStream jobs from the same {@link RedshiftConnectorOptions}
 * the Table API factory reads.
 */
@PublicEvolving
public final class RedshiftSinkBuilder {

    private final Configuration options = new Configuration();
    private RowType rowType;
    private List<String> keys = List.of();

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

    public RedshiftSink build() {
        if (rowType == null) {
            throw new IllegalArgumentException("rowType(...) is required");
        }
        return new RedshiftSink(new SinkSpec(options, rowType, keys));
    }
}
