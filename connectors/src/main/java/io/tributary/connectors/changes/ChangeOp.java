package io.tributary.connectors.changes;

import org.apache.flink.annotation.PublicEvolving;

/**
 * What happened to a row, with Debezium's one-letter codes so envelopes written to Kafka are read
 * by any Debezium consumer; {@link #SCHEMA} marks a schema-change event, which carries no row.
 */
@PublicEvolving
public enum ChangeOp {
    /** A row read by the initial snapshot. */
    READ("r"),
    CREATE("c"),
    UPDATE("u"),
    DELETE("d"),
    /** The table's columns changed; the record's shape is the new schema. */
    SCHEMA("s");

    private final String code;

    ChangeOp(String code) {
        this.code = code;
    }

    /** Debezium's code: r, c, u, d (and s for schema changes, which Debezium has no code for). */
    public String code() {
        return code;
    }

    private static final ChangeOp[] ALL = values();

    public static ChangeOp ofCode(String code) {
        for (ChangeOp op : ALL) {
            if (op.code.equals(code)) {
                return op;
            }
        }
        throw new IllegalArgumentException("Unknown change operation '" + code + "'");
    }
}
