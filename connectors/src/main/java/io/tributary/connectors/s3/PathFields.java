package io.tributary.connectors.s3;

import java.io.Serializable;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.utils.JoinedRowData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.utils.DateTimeUtils;

/**
 * Partition columns taken from a file's folders, appended to each decoded row: level {@code i}
 * under the source path is the {@code i}-th partition column, its value the part after {@code =} in
 * a Hive-style {@code key=value} folder, or the whole folder name otherwise. A DATE column reads
 * the value as Flink's {@code CAST(... AS DATE)} does ({@code dt=2026-11-24}), once per file.
 */
final class PathFields implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<LogicalType> types;

    PathFields(List<String> names, List<LogicalType> types) {
        for (int i = 0; i < types.size(); i++) {
            LogicalTypeRoot root = types.get(i).getTypeRoot();
            if (root != LogicalTypeRoot.VARCHAR
                    && root != LogicalTypeRoot.CHAR
                    && root != LogicalTypeRoot.INTEGER
                    && root != LogicalTypeRoot.BIGINT
                    && root != LogicalTypeRoot.DATE) {
                throw new ValidationException(
                        "Partition column '"
                                + names.get(i)
                                + "' is "
                                + types.get(i)
                                + "; tributary-s3 fills partition columns of type STRING, INT,"
                                + " BIGINT or DATE");
            }
        }
        this.types = List.copyOf(types);
    }

    /** The values of the file read last: a file's rows share them, parsed once per file. */
    private transient String lastKey;

    private transient GenericRowData lastValues;

    /** {@code row} with the partition values of {@code key} (relative to the path) after it. */
    RowData append(RowData row, String key) {
        if (!key.equals(lastKey)) {
            lastValues = values(key);
            lastKey = key;
        }
        return new JoinedRowData(row.getRowKind(), row, lastValues);
    }

    private GenericRowData values(String key) {
        String[] parts = key.split("/");
        GenericRowData values = new GenericRowData(types.size());
        for (int i = 0; i < types.size(); i++) {
            String v = null;
            if (i < parts.length - 1) {
                String folder = parts[i];
                int eq = folder.indexOf('=');
                v = eq >= 0 ? unescape(folder.substring(eq + 1)) : folder;
            }
            values.setField(i, convert(v, types.get(i)));
        }
        return values;
    }

    private static Object convert(String v, LogicalType t) {
        if (v == null || v.equals("__HIVE_DEFAULT_PARTITION__")) {
            return null;
        }
        try {
            return switch (t.getTypeRoot()) {
                case INTEGER -> Integer.parseInt(v);
                case BIGINT -> Long.parseLong(v);
                // as Flink's CAST(... AS DATE) reads it, once per file instead of once per row
                case DATE -> DateTimeUtils.parseDate(v);
                default -> StringData.fromString(v);
            };
        } catch (RuntimeException e) {
            // a folder that is not a number or a date for such a key: null, as Hive does
            return null;
        }
    }

    private static String unescape(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
