package io.tributary.catalog.model;

import java.util.Map;
import java.util.Objects;

/** A namespace of tables, as in Glue's Data Catalog. */
public record CatalogDatabase(String name, String description, Map<String, String> properties) {

    public CatalogDatabase {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("A database name cannot be blank");
        }
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    public static CatalogDatabase named(String name) {
        return new CatalogDatabase(name, null, Map.of());
    }
}
