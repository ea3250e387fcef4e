package io.tributary.catalog.store;

import java.time.Instant;

/**
 * One run of a pipeline, as the run history keeps it: which pipeline, which Flink job on which
 * cluster, its state, start and end, restarts, the last completed checkpoint (where a resume
 * starts), a savepoint taken when it was stopped, and the error that ended it.
 *
 * @param target the Flink REST address the job was submitted to ({@code host:port})
 * @param resumedFrom the checkpoint or savepoint this run started from; null for a fresh start
 * @param definitionVersion the version of the pipeline's definition it ran, as the catalog keeps it
 *     ({@link JobDefinition}); 0 when not recorded
 */
public record JobRun(
        String id,
        String pipeline,
        String file,
        String flinkJobId,
        String target,
        State state,
        Instant started,
        Instant ended,
        int attempts,
        long lastCheckpointId,
        String lastCheckpoint,
        Instant lastCheckpointTime,
        String savepoint,
        String resumedFrom,
        String error,
        int definitionVersion) {

    /** A run whose definition's version is not recorded. */
    public JobRun(
            String id,
            String pipeline,
            String file,
            String flinkJobId,
            String target,
            State state,
            Instant started,
            Instant ended,
            int attempts,
            long lastCheckpointId,
            String lastCheckpoint,
            Instant lastCheckpointTime,
            String savepoint,
            String resumedFrom,
            String error) {
        this(
                id,
                pipeline,
                file,
                flinkJobId,
                target,
                state,
                started,
                ended,
                attempts,
                lastCheckpointId,
                lastCheckpoint,
                lastCheckpointTime,
                savepoint,
                resumedFrom,
                error,
                0);
    }

    /** Where a run is in its life. STOPPED means stopped on request, with a savepoint. */
    public enum State {
        STARTING,
        RUNNING,
        STOPPING,
        STOPPED,
        SUCCEEDED,
        FAILED,
        TIMEOUT;

        public boolean ended() {
            return this == STOPPED || this == SUCCEEDED || this == FAILED || this == TIMEOUT;
        }
    }

    public JobRun withState(State s, Instant endedAt, String err) {
        return new JobRun(
                id,
                pipeline,
                file,
                flinkJobId,
                target,
                s,
                started,
                endedAt,
                attempts,
                lastCheckpointId,
                lastCheckpoint,
                lastCheckpointTime,
                savepoint,
                resumedFrom,
                err,
                definitionVersion);
    }

    public JobRun withJob(String jobId, String at) {
        return new JobRun(
                id,
                pipeline,
                file,
                jobId,
                at,
                state,
                started,
                ended,
                attempts,
                lastCheckpointId,
                lastCheckpoint,
                lastCheckpointTime,
                savepoint,
                resumedFrom,
                error,
                definitionVersion);
    }

    public JobRun withProgress(int restarts, long checkpointId, String checkpoint, Instant at) {
        return new JobRun(
                id,
                pipeline,
                file,
                flinkJobId,
                target,
                state,
                started,
                ended,
                restarts,
                checkpointId,
                checkpoint,
                at,
                savepoint,
                resumedFrom,
                error,
                definitionVersion);
    }

    public JobRun withSavepoint(String path) {
        return new JobRun(
                id,
                pipeline,
                file,
                flinkJobId,
                target,
                state,
                started,
                ended,
                attempts,
                lastCheckpointId,
                lastCheckpoint,
                lastCheckpointTime,
                path,
                resumedFrom,
                error,
                definitionVersion);
    }

    public JobRun withDefinitionVersion(int version) {
        return new JobRun(
                id,
                pipeline,
                file,
                flinkJobId,
                target,
                state,
                started,
                ended,
                attempts,
                lastCheckpointId,
                lastCheckpoint,
                lastCheckpointTime,
                savepoint,
                resumedFrom,
                error,
                version);
    }
}
