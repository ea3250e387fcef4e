package io.tributary.jobs.definition;

import java.time.Duration;
import java.util.Map;

/**
 * The job-wide settings of a pipeline: parallelism, checkpoint interval and where checkpoints are
 * kept (the pipeline's bookmark), restarts, a run timeout, the default bad-record policy of its
 * file sources, what warehouse sinks do when their input gains columns (evolve the table or fail),
 * idle state retention of joins, where state lives, and any other Flink option passed through as
 * is.
 *
 * @param checkpoints a folder or {@code s3://} URI; null means {@code
 *     $TRIBUTARY_HOME/jobs/<name>/checkpoints}
 * @param timeout null means the run has no time limit
 * @param stateTtl null means join state is kept for as long as the job runs
 * @param stateBackend {@code heap} (state as Java objects, snapshotted whole at every checkpoint),
 *     {@code rocksdb} (state on local disk, off the heap, checkpointed incrementally), or null: the
 *     cluster's own default (the heap unless its configuration says otherwise)
 */
public record SettingsDef(
        int parallelism,
        Duration checkpointInterval,
        String checkpoints,
        RestartDef restart,
        Duration timeout,
        String badRecords,
        String schemaEvolution,
        Duration stateTtl,
        String stateBackend,
        Map<String, String> flink) {

    /**
     * Restart strategy after a failure: {@code none}, {@code fixed-delay} or {@code
     * exponential-delay}.
     */
    public record RestartDef(String strategy, int attempts, Duration delay) {}
}
