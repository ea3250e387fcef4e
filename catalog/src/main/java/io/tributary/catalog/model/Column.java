package io.tributary.catalog.model;

import java.util.List;
import java.util.Objects;

/**
 * A column of a catalog table: its name as found in the data (never mangled), its type in the one
 * lattice (nullability included), and, when the crawler had to widen conflicting types, the types
 * it saw, so a job can override the choice per column.
 */
public record Column(String name, DataType type, String comment, List<String> typesSeen) {

    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        typesSeen = typesSeen == null ? List.of() : List.copyOf(typesSeen);
    }

    public Column(String name, DataType type) {
        this(name, type, null, List.of());
    }

    public boolean nullable() {
        return type.nullable();
    }

    public Column withType(DataType newType) {
        return new Column(name, newType, comment, typesSeen);
    }
}
