package io.tributary.connectors.redshift.dialect;

import java.io.Serializable;
import org.apache.flink.annotation.Internal;

/**
 * What the warehouse says of the target's key columns, asked once by the committer.
 *
 * @param unique a unique index (or primary key) on exactly the key columns, without a predicate or
 *     an expression: an upsert can be one {@code INSERT ... ON CONFLICT} on it
 * @param exactEquality every key column compares as Flink's value does (integers, exact numerics,
 *     dates, timestamps, text under a deterministic collation), so keys the writer saw distinct are
 *     distinct to the warehouse too
 * @param insertFirst the staged keys are likely new to the target (a backfill): a checkpoint whose
 *     keys came once each and hold no delete is tried as a plain INSERT first, and upserted only
 *     when a key is already there. The committer turns it off for a while after such a try failed.
 */
@Internal
public record TargetKey(boolean unique, boolean exactEquality, boolean insertFirst)
        implements Serializable {

    /** Nothing known, or no such index: the upsert deletes by key, then inserts. */
    public static final TargetKey NONE = new TargetKey(false, false, false);

    /** The same key, with {@link #insertFirst} as given. */
    public TargetKey insertFirst(boolean tryIt) {
        return new TargetKey(unique, exactEquality, tryIt);
    }
}
