package io.tributary.connectors.redshift;

/** How the sink applies a change stream to its target table. */
public enum SinkMode {
    /** Every row is inserted; the input must be insert-only (tables without a key). */
    APPEND,
    /** The latest change per primary key wins; deletes remove the row. */
    UPSERT
}
