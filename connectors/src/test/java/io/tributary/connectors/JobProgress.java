package io.tributary.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.embedded.SharedServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    private static final Duration STALLED = Duration.ofMinutes(3);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private JobProgress() {}

    /**
     * Polls {@code outcome} (its exceptions count as not yet) until it is true; fails when the job
     * ended first or completed no checkpoint for {@link #STALLED}.
     */
    public static void awaitUntil(JobClient job, String what, Callable<Boolean> outcome)
            throws InterruptedException {
        long lastProgress = System.nanoTime();
        long checkpoints = -1;
        while (true) {
            try {
                if (Boolean.TRUE.equals(outcome.call())) {
                    return;
                }
            } catch (Exception | AssertionError e) {
                // not yet
            }
            JsonNode status = get(job, "");
            String state = status == null ? "?" : status.path("state").asText("?");
            if (state.equals("FAILED") || state.equals("CANCELED") || state.equals("FINISHED")) {
                throw new AssertionError(what + " never happened: " + report(job));
            }
            JsonNode cps = get(job, "/checkpoints");
            long completed = cps == null ? -1 : cps.path("counts").path("completed").asLong(-1);
            if (completed != checkpoints) {
                checkpoints = completed;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALLED.toNanos()) {
                throw new AssertionError(
                        what
                                + " never happened and the job completed no checkpoint for "
                                + STALLED.toMinutes()
                                + " min: "
                                + report(job));
            }
            Thread.sleep(300);
        }
    }

    /** The job's state, checkpoints, records its sources read, and its failures. */
    public static String report(JobClient job) {
        String id = job.getJobID().toHexString();
        StringBuilder b = new StringBuilder("job ").append(id);
        JsonNode status = get(job, "");
        if (status == null) {
            return b.append(" (the cluster did not answer)").toString();
        }
        b.append(' ').append(status.path("state").asText("?"));
        JsonNode cps = get(job, "/checkpoints");
        if (cps != null) {
            b.append(", checkpoints completed ")
                    .append(cps.path("counts").path("completed").asLong())
                    .append(" failed ")
                    .append(cps.path("counts").path("failed").asLong());
        }
        for (JsonNode v : status.path("vertices")) {
            b.append("\n  ")
                    .append(v.path("name").asText())
                    .append(": ")
                    .append(v.path("status").asText())
                    .append(", records in ")
                    .append(v.path("metrics").path("read-records").asLong())
                    .append(" out ")
                    .append(v.path("metrics").path("write-records").asLong());
        }
        JsonNode ex = get(job, "/exceptions");
        if (ex != null) {
            for (JsonNode e : ex.path("exceptionHistory").path("entries")) {
                String trace = e.path("stacktrace").asText("");
                String cause =
                        trace.lines()
                                .filter(l -> l.startsWith("Caused by: "))
                                .reduce((x, y) -> y)
                                .orElse("");
                b.append("\n  failure: ")
                        .append(trace.lines().findFirst().orElse(""))
                        .append(cause.isEmpty() ? "" : " / " + cause);
            }
        }
        return b.toString();
    }

    private static JsonNode get(JobClient job, String path) {
        try {
            String url =
                    "http://127.0.0.1:"
                            + SharedServices.flink().restPort()
                            + "/jobs/"
                            + job.getJobID().toHexString()
                            + path;
            HttpResponse<String> r =
                    HTTP.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }
}
