package io.tributary.connectors.s3;

import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.Internal;

/** The enumerator's checkpoint: discovery's bounded state and the splits not yet assigned. */
@Internal
public record S3EnumeratorState(
        String highKey,
        long horizon,
        long lastFullListing,
        Map<String, Long> recent,
        List<S3FileSplit> pending) {

    public S3EnumeratorState {
        recent = Map.copyOf(recent);
        pending = List.copyOf(pending);
    }
}
