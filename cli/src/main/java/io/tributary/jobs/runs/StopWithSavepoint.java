package io.tributary.jobs.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.JobRun;
import io.tributary.catalog.store.JobRun.State;
import io.tributary.jobs.PipelineHome;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.slf4j.LoggerFactory;

/**
 * Stops a pipeline's Flink job with a savepoint in the pipeline's savepoints folder and records the
 * run as STOPPED with it: what {@code tributary stop}, Ctrl-C on {@code tributary run} and a run's
 * timeout do.
 */
public final class StopWithSavepoint {

    private StopWithSavepoint() {}

    /**
     * Stops a run's job with a savepoint in {@code jobDir/savepoints} and records it as STOPPED
     * with that savepoint; returns the savepoint's path.
     */
    public static String stop(
            FlinkRest rest, JobRun run, CatalogStore store, PipelineHome pipelineHome) {
        // a job whose tasks are still being deployed (just submitted or restarted) cannot take a
        // savepoint yet: try again while that is why, for up to a minute
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            try {
                return stopOnce(rest, run, store, pipelineHome);
            } catch (IllegalStateException e) {
                String m = String.valueOf(e.getMessage());
                boolean notYet =
                        m.contains("is not being executed at the moment")
                                || m.contains("not all required tasks are currently running")
                                || m.contains("Not all required tasks are currently running");
                if (!notYet || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static String stopOnce(
            FlinkRest rest, JobRun run, CatalogStore store, PipelineHome pipelineHome) {
        record(store, run.id(), r -> r.withState(State.STOPPING, null, null));
        try {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("targetDirectory", pipelineHome.savepoints().toUri().toString());
            body.put("drain", false);
            String request =
                    rest.post("/jobs/" + run.flinkJobId() + "/stop", body)
                            .path("request-id")
                            .asText();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < deadline) {
                JsonNode status = rest.get("/jobs/" + run.flinkJobId() + "/savepoints/" + request);
                if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                    JsonNode op = status.path("operation");
                    if (op.has("failure-cause")) {
                        String cause =
                                op.path("failure-cause")
                                        .path("stack-trace")
                                        .asText("")
                                        .lines()
                                        .findFirst()
                                        .orElse("unknown");
                        record(store, run.id(), r -> r.withState(State.RUNNING, null, null));
                        throw new IllegalStateException(
                                "The savepoint failed, the job keeps running: " + cause);
                    }
                    String location = op.path("location").asText();
                    record(
                            store,
                            run.id(),
                            r ->
                                    r.withSavepoint(location)
                                            .withState(State.STOPPED, Instant.now(), null));
                    return location;
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException(
                    "No savepoint within 5 minutes; the job may still be stopping");
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Could not stop " + run.id() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while stopping " + run.id(), e);
        }
    }

    /**
     * Records a change of a run being stopped; when the store is already gone (a JVM stopping on
     * Ctrl-C closes the embedded H2 store in its own shutdown hook), the savepoint is still taken:
     * {@link PipelineHome#resumePoint} finds it in the pipeline's savepoints folder.
     */
    private static void record(CatalogStore store, String id, UnaryOperator<JobRun> change) {
        try {
            store.updateRun(id, change);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(StopWithSavepoint.class)
                    .warn("Could not record run {} in the run history: {}", id, e.getMessage());
        }
    }
}
