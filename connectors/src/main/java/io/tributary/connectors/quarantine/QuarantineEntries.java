package io.tributary.connectors.quarantine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.objectstore.ObjectStore;
import io.tributary.objectstore.ObjectStores;
import io.tributary.objectstore.S3Settings;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.RowType;

/**
 * Writes rows as quarantine entries under {@code path}: the sink each was meant for, why it could
 * not go there, its values by column and its change kind. An entry's name is a hash of its content,
 * so a row met again after a restart replaces its entry instead of doubling it. With a reason
 * column (the data quality rules a row failed, a JSON array), that column is the entry's reason and
 * its {@code rules}, not one of its values. The quarantine sink writes with it, and so does a
 * ruleset's gate, for the rows of a window that failed.
 */
public final class QuarantineEntries implements Serializable, AutoCloseable {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String path;
    private final String sink;
    private final List<String> keys;
    private final String reasonColumn;
    private final S3Settings s3;
    private final RowType type;
    private transient ObjectStore store;
    private transient List<RowData.FieldGetter> getters;

    /**
     * @param sink what the rows were meant for, as entries name it ({@code sink X of pipeline P})
     * @param keys the sink's key columns: a null in one is the reason, without a reason column
     * @param reasonColumn the column holding the rules a row failed, or null
     * @param s3 access to an {@code s3://} path, or null
     * @param type the rows' columns
     */
    public QuarantineEntries(
            String path,
            String sink,
            List<String> keys,
            String reasonColumn,
            S3Settings s3,
            RowType type) {
        this.path = path.endsWith("/") ? path : path + "/";
        this.sink = sink;
        this.keys = List.copyOf(keys);
        this.reasonColumn = reasonColumn;
        this.s3 = s3;
        this.type = type;
    }

    /** Opens the store; call before {@link #write}. */
    public void open() {
        store = ObjectStores.open(path, path.startsWith("s3") ? s3 : null);
        getters = new ArrayList<>();
        for (int i = 0; i < type.getFieldCount(); i++) {
            getters.add(RowData.createFieldGetter(type.getTypeAt(i), i));
        }
    }

    /** Writes {@code row} as one entry. */
    public void write(RowData row) throws Exception {
        ObjectNode values = JSON.createObjectNode();
        List<String> nullKeys = new ArrayList<>();
        String failedRules = null;
        for (int i = 0; i < getters.size(); i++) {
            String name = type.getFieldNames().get(i);
            Object v = getters.get(i).getFieldOrNull(row);
            if (name.equals(reasonColumn)) {
                failedRules = v == null ? null : v.toString();
                continue;
            }
            if (v == null) {
                values.putNull(name);
                if (keys.contains(name)) {
                    nullKeys.add(name);
                }
            } else {
                values.put(name, v.toString());
            }
        }
        String raw = JSON.writeValueAsString(values);
        ObjectNode n = JSON.createObjectNode();
        n.put("file", sink);
        n.put("line", 0);
        n.put("offset", 0);
        n.put(
                "kind",
                failedRules != null ? "quality" : nullKeys.isEmpty() ? "rejected" : "null_key");
        if (failedRules != null) {
            n.set("rules", JSON.readTree(failedRules));
        }
        n.put(
                "reason",
                failedRules != null
                        ? "failed data quality rules: " + failedRules
                        : nullKeys.isEmpty()
                                ? "the sink cannot take this row"
                                : "key column"
                                        + (nullKeys.size() > 1 ? "s " : " ")
                                        + String.join(", ", nullKeys)
                                        + " null: the sink writes by key "
                                        + keys
                                        + " and cannot take a row without one");
        n.put("change", row.getRowKind().shortString());
        n.put("raw", raw);
        n.put("rawBytes", raw.getBytes(StandardCharsets.UTF_8).length);
        n.put("truncated", false);
        n.put("at", Instant.now().toString());
        byte[] id =
                MessageDigest.getInstance("SHA-256")
                        .digest(
                                (row.getRowKind().shortString() + raw)
                                        .getBytes(StandardCharsets.UTF_8));
        store.write(HexFormat.of().formatHex(id, 0, 12) + ".json", JSON.writeValueAsBytes(n));
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
