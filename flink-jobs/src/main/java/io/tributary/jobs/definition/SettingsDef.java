package io.tributary.jobs.definition;

import java.time.Duration;
import java.util.Map;

/**
 * The job-wide settings of a pipeline: parallelism, checkpoint interval and where checkpoints are
 * kept (the pipeline's bookmark), restarts, a run timeout, the default bad-record policy of its
 * file sources, what warehouse sinks do when their input gains columns (evolve the table or fail),
 * idle state retention of joins, and any other Flink option passed through as is.
 *
 * @param checkpoints a folder or {@code s3://} URI; null means {@code
 *     $TRIBUTARY_HOME/jobs/<name>/checkpoints}
 * @param timeout null means the run has no time limit
 * @param stateTtl null means join state is kept for as long as the job runs
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
        Map<String, String> flink) {

    /**
     * Restart strategy after a failure: {@code none}, {@code fixed-delay} or {@code
     * exponential-delay}.
     */
    public record RestartDef(String strategy, int attempts, Duration delay) {}
}
