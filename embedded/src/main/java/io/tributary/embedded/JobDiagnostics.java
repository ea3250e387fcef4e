package io.tributary.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * What a Flink job was doing, from its cluster's REST API, for a test's failure message: its state,
 * checkpoints, each vertex's records, and every failure in its exception history (first line and
 * innermost cause). What a warehouse or a topic alone cannot say.
 */
public final class JobDiagnostics {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private JobDiagnostics() {}

    /** The job {@code jobId} of the cluster whose REST API is at {@code restBase}. */
    public static String describe(String restBase, String jobId) {
        StringBuilder b = new StringBuilder("job ").append(jobId);
        JsonNode status = get(restBase, jobId, "");
        if (status == null) {
            return b.append(" (the cluster did not answer)").toString();
        }
        b.append(' ').append(status.path("state").asText("?"));
        JsonNode cps = get(restBase, jobId, "/checkpoints");
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
        JsonNode overview = getPath(restBase, "/jobs/overview");
        if (overview != null) {
            for (JsonNode j : overview.path("jobs")) {
                String state = j.path("state").asText();
                if (!j.path("jid").asText().equals(jobId)
                        && !state.equals("FINISHED")
                        && !state.equals("CANCELED")
                        && !state.equals("FAILED")) {
                    // a job left running by an earlier test holds slots this one may wait for
                    b.append("\n  another job on the cluster: ")
                            .append(j.path("name").asText())
                            .append(' ')
                            .append(state);
                }
            }
        }
        JsonNode ex = get(restBase, jobId, "/exceptions");
        if (ex != null) {
            for (JsonNode e : ex.path("exceptionHistory").path("entries")) {
                String trace = e.path("stacktrace").asText("");
                String cause =
                        trace.lines()
                                .filter(l -> l.startsWith("Caused by: "))
                                .reduce((x, y) -> y)
                                .orElse("");
                b.append("\n  failure at ")
                        .append(Instant.ofEpochMilli(e.path("timestamp").asLong()))
                        .append(": ")
                        .append(trace.lines().findFirst().orElse(""))
                        .append(cause.isEmpty() ? "" : " / " + cause);
            }
        }
        return b.toString();
    }

    /**
     * Where this JVM's Flink task threads (and Iceberg's workers) are, a few frames each: what a
     * job of an in-process cluster is stuck on when its checkpoints or commits stop.
     */
    public static String taskThreads() {
        StringBuilder b = new StringBuilder();
        java.lang.management.ThreadMXBean mx =
                java.lang.management.ManagementFactory.getThreadMXBean();
        for (java.lang.management.ThreadInfo t : mx.dumpAllThreads(false, false, 12)) {
            if (t == null || !isTaskThread(t.getThreadName())) {
                continue;
            }
            b.append("\n  thread \"")
                    .append(t.getThreadName())
                    .append("\" ")
                    .append(t.getThreadState());
            for (StackTraceElement f : t.getStackTrace()) {
                b.append("\n      at ").append(f);
            }
        }
        return b.length() == 0 ? "\n  (no task threads in this JVM)" : b.toString();
    }

    /** Flink names a task's thread "name (i/n)#attempt"; Iceberg's pools start with "iceberg". */
    private static boolean isTaskThread(String name) {
        return name.matches(".*\\(\\d+/\\d+\\)#\\d+.*")
                || name.startsWith("iceberg")
                || name.contains("Checkpoint Timer")
                || name.contains("jobmanager-io");
    }

    /** The REST answer for {@code /jobs/<id><path>}, or null when the cluster gives none. */
    public static JsonNode get(String restBase, String jobId, String path) {
        return getPath(restBase, "/jobs/" + jobId + path);
    }

    private static JsonNode getPath(String restBase, String path) {
        try {
            String base =
                    restBase.endsWith("/")
                            ? restBase.substring(0, restBase.length() - 1)
                            : restBase;
            HttpResponse<String> r =
                    HTTP.send(
                            HttpRequest.newBuilder(URI.create(base + path))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }
}
