package io.tributary.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.embedded.JobDiagnostics;
import io.tributary.embedded.SharedServices;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;

/**
 * Waits that follow a job's progress, not a wall-clock guess: a test waits for an outcome as long
 * as the job keeps completing checkpoints (a busy machine makes it slower, not stuck), and fails
 * when the job has ended or has completed none for a while, saying what the job was doing: its
 * state, checkpoints, records read and failures.
 */
public final class JobProgress {

    /** No completed checkpoint for this long is a stuck job, however busy the machine. */
    private static final Duration STALLED = Duration.ofSeconds(100);

    private JobProgress() {}

    /**
     * Polls {@code outcome} (its exceptions count as not yet) until it is true; fails when the job
     * ended first or completed no checkpoint for {@link #STALLED}.
     */
    public static void awaitUntil(JobClient job, String what, Callable<Boolean> outcome)
            throws InterruptedException {
        awaitUntil(job, what, outcome, () -> null);
    }

    /**
     * As {@link #awaitUntil(JobClient, String, Callable)}, and fails too when {@code measure} (the
     * rows committed so far, say) stays the same for {@link #STALLED} while checkpoints go on: a
     * job that checkpoints but no longer gets closer to the outcome. A test interrupted by its
     * timeout fails with the same report, where the task threads were included.
     */
    public static void awaitUntil(
            JobClient job, String what, Callable<Boolean> outcome, Callable<Object> measure)
            throws InterruptedException {
        long lastCheckpoint = System.nanoTime();
        long lastChange = lastCheckpoint;
        long checkpoints = -1;
        Object last = null;
        try {
            while (true) {
                try {
                    if (Boolean.TRUE.equals(outcome.call())) {
                        return;
                    }
                } catch (Exception | AssertionError e) {
                    // not yet
                }
                Object now = measured(measure);
                if (!java.util.Objects.equals(now, last)) {
                    last = now;
                    lastChange = System.nanoTime();
                }
                JsonNode status = get(job, "");
                String state = status == null ? "?" : status.path("state").asText("?");
                if (state.equals("FAILED")
                        || state.equals("CANCELED")
                        || state.equals("FINISHED")) {
                    throw new AssertionError(what + " never happened: " + report(job));
                }
                JsonNode cps = get(job, "/checkpoints");
                long completed = cps == null ? -1 : cps.path("counts").path("completed").asLong(-1);
                if (completed != checkpoints) {
                    checkpoints = completed;
                    lastCheckpoint = System.nanoTime();
                } else if (System.nanoTime() - lastCheckpoint > STALLED.toNanos()) {
                    throw new AssertionError(
                            what
                                    + " never happened and the job completed no checkpoint for "
                                    + STALLED.toSeconds()
                                    + " s: "
                                    + report(job)
                                    + JobDiagnostics.taskThreads());
                }
                if (last != null && System.nanoTime() - lastChange > STALLED.toNanos()) {
                    throw new AssertionError(
                            what
                                    + " never happened: the job checkpoints but stayed at "
                                    + last
                                    + " for "
                                    + STALLED.toSeconds()
                                    + " s: "
                                    + report(job)
                                    + JobDiagnostics.taskThreads());
                }
                Thread.sleep(300);
            }
        } catch (InterruptedException e) {
            // the test's timeout: say what the job was doing, not only that time ran out
            throw new AssertionError(
                    what
                            + " had not happened when the test was interrupted (at "
                            + last
                            + "): "
                            + report(job)
                            + JobDiagnostics.taskThreads(),
                    e);
        }
    }

    private static Object measured(Callable<Object> measure) {
        try {
            return measure.call();
        } catch (Exception e) {
            return null;
        }
    }

    /** The job's state, checkpoints, records and failures. */
    public static String report(JobClient job) {
        return JobDiagnostics.describe(base(), job.getJobID().toHexString());
    }

    private static JsonNode get(JobClient job, String path) {
        return JobDiagnostics.get(base(), job.getJobID().toHexString(), path);
    }

    private static String base() {
        return "http://127.0.0.1:" + SharedServices.flink().restPort();
    }
}
