package io.tributary.catalog.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A table of the catalog: where its data is and in which format (with the options a reader needs),
 * its columns, partition keys and primary key, free-form properties, and the registry version of
 * its current schema ({@code 0} before one is registered).
 */
public record CatalogTable(
        String database,
        String name,
        String location,
        TableFormat format,
        Map<String, String> formatOptions,
        List<Column> columns,
        List<Column> partitionKeys,
        List<String> primaryKey,
        Map<String, String> properties,
        int schemaVersion,
        Instant updatedAt) {

    /** Property naming the crawl location that owns this table. */
    public static final String CRAWLER_LOCATION = "crawler.location";

    /** Property set when a crawl no longer finds the table and its policy is to deprecate. */
    public static final String DEPRECATED = "deprecated";

    public CatalogTable {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        if (name.isBlank()) {
            throw new IllegalArgumentException("A table name cannot be blank");
        }
        formatOptions = formatOptions == null ? Map.of() : Map.copyOf(formatOptions);
        columns = List.copyOf(columns);
        partitionKeys = partitionKeys == null ? List.of() : List.copyOf(partitionKeys);
        primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    /** {@code database.name}, as users write it. */
    public String qualifiedName() {
        return database + "." + name;
    }

    /** The data columns as one struct (partition keys excluded): what the registry versions. */
    public DataType.Struct rowType() {
        List<DataType.Field> fields = new ArrayList<>();
        for (Column c : columns) {
            fields.add(new DataType.Field(c.name(), c.type()));
        }
        return new DataType.Struct(fields, false);
    }

    public boolean deprecated() {
        return Boolean.parseBoolean(properties.get(DEPRECATED));
    }

    public CatalogTable withColumns(List<Column> newColumns) {
        return new CatalogTable(
                database,
                name,
                location,
                format,
                formatOptions,
                newColumns,
                partitionKeys,
                primaryKey,
                properties,
                schemaVersion,
                updatedAt);
    }

    public CatalogTable withSchemaVersion(int version, Instant at) {
        return new CatalogTable(
                database,
                name,
                location,
                format,
                formatOptions,
                columns,
                partitionKeys,
                primaryKey,
                properties,
                version,
                at);
    }

    public CatalogTable withProperty(String key, String value) {
        Map<String, String> p = new LinkedHashMap<>(properties);
        if (value == null) {
            p.remove(key);
        } else {
            p.put(key, value);
        }
        return new CatalogTable(
                database,
                name,
                location,
                format,
                formatOptions,
                columns,
                partitionKeys,
                primaryKey,
                p,
                schemaVersion,
                updatedAt);
    }
}
