package io.tributary.connectors.redshift;

import java.io.Serializable;
import java.util.Objects;

/** A schema-qualified table name, kept unquoted; dialects quote it when they write SQL. */
public record TableId(String schema, String table) implements Serializable {

    public TableId {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        if (schema.isEmpty() || table.isEmpty()) {
            throw new IllegalArgumentException("Schema and table names must not be empty");
        }
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}
