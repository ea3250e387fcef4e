package io.tributary.connectors.changes;

import io.tributary.catalog.CatalogService;
import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A captured table as the source database names it: MySQL has a database and a table, PostgreSQL a
 * database, a schema and a table ({@code schema} is null for MySQL).
 */
@PublicEvolving
public record SourceTable(String database, String schema, String table) implements Serializable {

    /** {@code db.table} for MySQL, {@code schema.table} for PostgreSQL: the name users write. */
    public String qualified() {
        return (schema == null ? database : schema) + "." + table;
    }

    /**
     * The registry subject of this table's schema versions ({@code <namespace>.<table>-value}, the
     * subject the JDBC crawler registers): the namespace is {@code catalogDatabase}, or the source
     * database when null.
     */
    public String subject(String catalogDatabase) {
        return CatalogService.subject(catalogDatabase != null ? catalogDatabase : database, table);
    }

    @Override
    public String toString() {
        return qualified();
    }
}
