package io.tributary.connectors.changes;

import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The columns of a captured table at one moment: names, catalog types, nullability, the primary
 * key, and the registry version they were registered as (0 until registered). Every {@link
 * ChangeRecord} points at the shape its values follow, so a consumer never guesses which schema a
 * row was written with.
 */
@PublicEvolving
public final class RowShape {

    private final SourceTable table;
    private final List<Column> columns;
    private final List<String> key;
    private final int version;
    private transient int[] keyIndexes;

    public RowShape(SourceTable table, List<Column> columns, List<String> key, int version) {
        this.table = Objects.requireNonNull(table);
        this.columns = List.copyOf(columns);
        this.key = List.copyOf(key);
        this.version = version;
    }

    public SourceTable table() {
        return table;
    }

    public List<Column> columns() {
        return columns;
    }

    public List<String> key() {
        return key;
    }

    /** The registry version of the table's subject for these columns; 0 when not registered. */
    public int version() {
        return version;
    }

    public RowShape withVersion(int v) {
        return new RowShape(table, columns, key, v);
    }

    /** The row type in the catalog's lattice, as registered (nullable columns are optional). */
    public DataType.Struct rowType() {
        List<DataType.Field> fields = new ArrayList<>(columns.size());
        for (Column c : columns) {
            fields.add(new DataType.Field(c.name(), c.type()));
        }
        return new DataType.Struct(fields, false);
    }

    public int indexOf(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return i;
            }
        }
        return -1;
    }

    /** Positions of the key columns in a row, in key order. */
    public int[] keyIndexes() {
        int[] k = keyIndexes;
        if (k == null) {
            k = new int[key.size()];
            for (int i = 0; i < k.length; i++) {
                k[i] = indexOf(key.get(i));
            }
            keyIndexes = k;
        }
        return k;
    }

    /** Same table and same columns (names, types, nullability) and key; the version aside. */
    public boolean sameColumns(RowShape other) {
        if (other == this) {
            return true; // a change's shape is, but for a new schema, the one resolved before it
        }
        return other != null
                && table.equals(other.table)
                && key.equals(other.key)
                && columnsEqual(columns, other.columns);
    }

    private static boolean columnsEqual(List<Column> a, List<Column> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).name().equals(b.get(i).name())
                    || !a.get(i).type().equals(b.get(i).type())) {
                return false;
            }
        }
        return true;
    }

    /** What changed from {@code before} to this shape, for logs and schema-change events. */
    public String describeChangeFrom(RowShape before) {
        if (before == null) {
            return "new table " + table + " with " + columns.size() + " columns";
        }
        List<String> parts = new ArrayList<>();
        for (Column c : columns) {
            int i = before.indexOf(c.name());
            if (i < 0) {
                parts.add("added " + c.name() + " " + c.type());
            } else if (!before.columns.get(i).type().equals(c.type())) {
                parts.add(
                        "changed "
                                + c.name()
                                + " from "
                                + before.columns.get(i).type()
                                + " to "
                                + c.type());
            }
        }
        for (Column c : before.columns) {
            if (indexOf(c.name()) < 0) {
                parts.add("dropped " + c.name());
            }
        }
        if (!key.equals(before.key)) {
            parts.add("primary key " + before.key + " -> " + key);
        }
        return table + ": " + (parts.isEmpty() ? "column order changed" : String.join(", ", parts));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowShape s && sameColumns(s) && version == s.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(table, columns.size(), key, version);
    }

    @Override
    public String toString() {
        return table + columns.toString() + " key " + key + " v" + version;
    }
}
