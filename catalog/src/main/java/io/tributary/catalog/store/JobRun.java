package io.tributary.catalog.store;

import java.time.Instant;

/**
 * One run of a pipeline, as the run history keeps it: which pipeline, which Flink job on which
 * cluster, its state, start and end, restarts, the last completed checkpoint (where a resume
 * starts), a savepoint taken when it was stopped, and the error that ended it.
 *
 * @param target the Flink REST address the job was submitted to ({@code host:port})
 * @param resumedFrom the checkpoint or savepoint this run started from; null for a fresh start
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
        String error) {

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
                err);
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
                error);
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
                error);
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
                error);
    }
}
