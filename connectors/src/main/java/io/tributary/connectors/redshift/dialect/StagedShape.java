package io.tributary.connectors.redshift.dialect;

import java.io.Serializable;
import org.apache.flink.annotation.Internal;

/**
 * What the writer knew of one checkpoint's staged rows, so the commit runs only the statements
 * those rows need: no delete by key for a batch without deletes, no ranking of the latest change
 * per key where every key came once, none of a dimension's statements without a change.
 *
 * @param deletes rows staged as deletes; negative when not known
 * @param dimensionChanges change rows of a dimension join; negative when not known
 * @param keysDistinct true only when every staged row has a key no other staged row has (false also
 *     when not known)
 */
@Internal
public record StagedShape(long deletes, long dimensionChanges, boolean keysDistinct)
        implements Serializable {

    /** Nothing known (a committable of an older build): every statement runs. */
    public static final StagedShape UNKNOWN = new StagedShape(-1, -1, false);

    public boolean hasDeletes() {
        return deletes != 0;
    }

    public boolean hasDimensionChanges() {
        return dimensionChanges != 0;
    }
}
