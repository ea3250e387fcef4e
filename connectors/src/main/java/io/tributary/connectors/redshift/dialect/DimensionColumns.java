package io.tributary.connectors.redshift.dialect;

import io.tributary.connectors.redshift.RedshiftConnectorOptions;
import io.tributary.connectors.redshift.TableId;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * What a sink fed by a dimension join needs to apply a dimension's change to the rows already
 * loaded: the column holding the dimension's key, the columns derived from the dimension alone, and
 * the table where the newest version of each dimension row is kept ({@code <target>__dimension}:
 * key, version, those columns).
 *
 * <p>Each commit upserts the dimension changes it staged into that table (only a newer version
 * replaces an older), rewrites the target's rows of the changed keys from it, and corrects the rows
 * it merged that were joined with an older version than the table holds. Writer subtasks commit
 * independently, in any order among themselves: the version makes the outcome the same.
 */
@PublicEvolving
public record DimensionColumns(TableId table, String keyColumn, List<String> columns)
        implements Serializable {

    public DimensionColumns {
        columns = List.copyOf(columns);
    }

    /** The version column staged with every row, never written to the target. */
    public static String version() {
        return RedshiftConnectorOptions.DIMENSION_VERSION_COLUMN;
    }

    /** The column telling a dimension's change from a joined row, never written to the target. */
    public static String change() {
        return RedshiftConnectorOptions.DIMENSION_CHANGE_COLUMN;
    }

    /** Whether {@code column} is one of the two columns staged but not written to the target. */
    public static boolean hidden(String column) {
        return column.equals(version()) || column.equals(change());
    }

    /** {@code columns} without the staged-only ones. */
    public static List<String> written(List<String> columns) {
        List<String> out = new ArrayList<>();
        for (String c : columns) {
            if (!hidden(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The dimension table's columns: key, version, then the derived ones. */
    public List<String> tableColumns() {
        List<String> out = new ArrayList<>();
        out.add(keyColumn);
        out.add(version());
        out.addAll(columns);
        return out;
    }
}
