package io.tributary.jobs.runs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code tributary jobs watch} shows, read from Flink's REST API (so it works for the local
 * MiniCluster and for any cluster the run went to): per vertex the records in and out and their
 * rate, the warehouse sink's commits and freshness, the S3 sources' quarantine and pending files,
 * the CDC sources' lag and schema versions, and the checkpoints. Every figure is the one the
 * Prometheus endpoint exports under the same metric name (docs/operations.md).
 *
 * @param state the job's state (RUNNING, FINISHED, ...)
 * @param vertices per vertex of the job graph, in graph order
 * @param rowsCommitted rows the warehouse committers applied (this run's attempt)
 * @param freshnessMs now minus the newest event time (or commit) in the warehouse; -1 unknown
 * @param commitLatencyP50Ms median commit time of the last 500 commits (per committer, the
 *     slowest); -1 unknown
 * @param lastCommittedCheckpoint the newest checkpoint committed to the warehouse; -1 none
 * @param quarantined bad records quarantined by the S3 sources
 * @param quarantinedByReason per reason label
 * @param pendingFiles files listed by the S3 sources but not yet handed to a reader; -1 unknown
 * @param cdcLagMs how long after their commit the newest changes were read; -1 unknown
 * @param schemaVersions per captured table (db.table), the registry version its rows carry
 * @param cdcSources Tributary CDC sources (pipelines' cdc sources, CDC jobs) in the job
 * @param cdcStreaming those of them past their snapshot, reading the binlog or WAL
 * @param snapshotRowsRead snapshot rows these sources read
 * @param snapshotRowsEstimated the databases' estimate of those tables' rows; -1 unknown
 * @param checkpointsCompleted completed checkpoints of the job
 * @param checkpointsFailed failed checkpoints of the job
 * @param lastCheckpointMs the newest completed checkpoint's duration; -1 none
 * @param quality what the job's rulesets checked: per record and per window, and what failed
 */
public record JobFigures(
        String state,
        List<Vertex> vertices,
        long rowsCommitted,
        long freshnessMs,
        long commitLatencyP50Ms,
        long lastCommittedCheckpoint,
        long quarantined,
        Map<String, Long> quarantinedByReason,
        long pendingFiles,
        long cdcLagMs,
        Map<String, Long> schemaVersions,
        int cdcSources,
        int cdcStreaming,
        long snapshotRowsRead,
        long snapshotRowsEstimated,
        long checkpointsCompleted,
        long checkpointsFailed,
        long lastCheckpointMs,
        Quality quality) {

    /**
     * The rulesets' checks so far: each row rule's evaluation of a record is one check, each window
     * rule's evaluation of a window one window.
     */
    public record Quality(long checks, long checksFailed, long windows, long windowsFailed) {
        public static final Quality NONE = new Quality(0, 0, 0, 0);

        /**
         * The share of checks and windows that passed, in percent (Glue's score: rules passed over
         * rules evaluated); NaN before any.
         */
        public double score() {
            long all = checks + windows;
            return all == 0 ? Double.NaN : 100.0 * (all - checksFailed - windowsFailed) / all;
        }
    }

    /** One vertex: its name, records in and out, and the out rate over the last minute. */
    public record Vertex(String name, long recordsIn, long recordsOut, double outPerSecond) {}

    /** The figures of Flink job {@code jobId} now. */
    public static JobFigures read(FlinkRest rest, String jobId) throws IOException {
        JsonNode job = rest.get("/jobs/" + jobId);
        Builder b = new Builder();
        List<Vertex> vertices = new ArrayList<>();
        for (JsonNode v : job.path("vertices")) {
            String vid = v.path("id").asText();
            JsonNode m = v.path("metrics");
            vertices.add(
                    new Vertex(
                            v.path("name").asText(),
                            m.path("read-records").asLong(),
                            m.path("write-records").asLong(),
                            0));
            b.vertex(rest, jobId, vid, vertices, vertices.size() - 1);
        }
        JsonNode checkpoints = rest.get("/jobs/" + jobId + "/checkpoints");
        JsonNode latest = checkpoints.path("latest").path("completed");
        return new JobFigures(
                job.path("state").asText(),
                List.copyOf(vertices),
                b.rowsCommitted,
                b.freshness,
                b.commitP50,
                b.lastCommitted,
                b.quarantined,
                b.byReason,
                b.pendingFiles,
                b.lag,
                b.schemaVersions,
                b.cdcSources,
                b.cdcStreaming,
                b.snapshotRead,
                b.snapshotEstimated,
                checkpoints.path("counts").path("completed").asLong(),
                checkpoints.path("counts").path("failed").asLong(),
                latest.isMissingNode() || latest.isNull()
                        ? -1
                        : latest.path("end_to_end_duration").asLong(-1),
                new Quality(b.checks, b.checksFailed, b.windows, b.windowsFailed));
    }

    private static final Pattern TABLE =
            Pattern.compile("(?:^|.*?\\.)(?:database\\.([^.]+)\\.)?table\\.(.+)\\.schemaVersion$");

    /** Picks Tributary's and Flink's metrics out of each vertex's list by name. */
    private static final class Builder {
        long rowsCommitted;
        long freshness = -1;
        long commitP50 = -1;
        long lastCommitted = -1;
        long quarantined;
        final Map<String, Long> byReason = new TreeMap<>();
        long pendingFiles = -1;
        long lag = -1;
        final Map<String, Long> schemaVersions = new TreeMap<>();
        int cdcSources;
        int cdcStreaming;
        long snapshotRead;
        long snapshotEstimated = -1;
        long checks;
        long checksFailed;
        long windows;
        long windowsFailed;

        void vertex(FlinkRest rest, String jobId, String vid, List<Vertex> vertices, int index)
                throws IOException {
            List<String> names =
                    rest.metricNames(
                            jobId,
                            vid,
                            n ->
                                    n.equals("numRecordsOutPerSecond")
                                            || n.endsWith(".rowsCommitted")
                                            || n.endsWith(".freshnessMs")
                                            || n.endsWith(".commitLatencyMs_median")
                                            || n.endsWith(".lastCommittedCheckpoint")
                                            || n.endsWith(".numRecordsQuarantined")
                                            || n.endsWith(".currentFetchEventTimeLag")
                                            || n.endsWith(".changeLagMs")
                                            || n.endsWith(".schemaVersion")
                                            || n.endsWith(".streaming")
                                            || n.endsWith(".snapshotRowsRead")
                                            || n.endsWith(".snapshotRowsEstimated")
                                            || n.endsWith(".quality_evaluated")
                                            || n.endsWith(".quality_failed")
                                            || n.endsWith(".quality_windows_evaluated")
                                            || n.endsWith(".quality_windows_failed"));
            if (names.isEmpty()) {
                return;
            }
            JsonNode values = rest.aggregated(jobId, vid, names);
            for (JsonNode value : values) {
                String id = value.path("id").asText();
                long sum = (long) value.path("sum").asDouble();
                long max = (long) value.path("max").asDouble();
                if (id.equals("numRecordsOutPerSecond")) {
                    Vertex v = vertices.get(index);
                    vertices.set(
                            index,
                            new Vertex(
                                    v.name(),
                                    v.recordsIn(),
                                    v.recordsOut(),
                                    value.path("sum").asDouble()));
                } else if (id.endsWith(".rowsCommitted")) {
                    rowsCommitted += sum;
                } else if (id.endsWith(".freshnessMs")) {
                    freshness = Math.max(freshness, max);
                } else if (id.endsWith(".commitLatencyMs_median")) {
                    commitP50 = Math.max(commitP50, max);
                } else if (id.endsWith(".lastCommittedCheckpoint")) {
                    lastCommitted = Math.max(lastCommitted, max);
                } else if (id.endsWith(".numRecordsQuarantined")) {
                    int at = id.indexOf(".reason.");
                    if (at >= 0) {
                        String reason =
                                id.substring(
                                        at + ".reason.".length(),
                                        id.length() - ".numRecordsQuarantined".length());
                        byReason.merge(reason, sum, Long::sum);
                    } else {
                        quarantined += sum;
                    }
                } else if (id.endsWith(".currentFetchEventTimeLag")
                        || id.endsWith(".changeLagMs")) {
                    lag = Math.max(lag, max);
                } else if (id.endsWith(".streaming")) {
                    // one per source vertex: 1 once its reader holds the binlog/WAL split
                    cdcSources++;
                    cdcStreaming += max > 0 ? 1 : 0;
                } else if (id.endsWith(".quality_evaluated")) {
                    checks += sum;
                } else if (id.endsWith(".quality_failed")) {
                    checksFailed += sum;
                } else if (id.endsWith(".quality_windows_evaluated")) {
                    windows += sum;
                } else if (id.endsWith(".quality_windows_failed")) {
                    windowsFailed += sum;
                } else if (id.endsWith(".snapshotRowsRead")) {
                    snapshotRead += sum;
                } else if (id.endsWith(".snapshotRowsEstimated")) {
                    snapshotEstimated = Math.max(snapshotEstimated, 0) + max;
                } else if (id.endsWith(".schemaVersion")) {
                    // <operator>.database.<db>.table.<table>.schemaVersion
                    Matcher t = TABLE.matcher(id);
                    if (t.matches()) {
                        String table =
                                t.group(1) == null ? t.group(2) : t.group(1) + "." + t.group(2);
                        schemaVersions.merge(table, max, Math::max);
                    }
                }
            }
            pendingFiles(rest, jobId, vid);
        }

        /** The S3 enumerators' gauge, kept by the JobManager (absent for other sources). */
        private void pendingFiles(FlinkRest rest, String jobId, String vid) throws IOException {
            JsonNode names;
            try {
                names = rest.get("/jobs/" + jobId + "/vertices/" + vid + "/jm-operator-metrics");
            } catch (IllegalArgumentException notThere) {
                return;
            }
            List<String> wanted = new ArrayList<>();
            for (JsonNode n : names) {
                String id = n.path("id").asText();
                if (id.endsWith(".pendingFiles")) {
                    wanted.add(id);
                }
            }
            if (wanted.isEmpty()) {
                return;
            }
            JsonNode values =
                    rest.get(
                            "/jobs/"
                                    + jobId
                                    + "/vertices/"
                                    + vid
                                    + "/jm-operator-metrics?get="
                                    + URLEncoder.encode(
                                            String.join(",", wanted), StandardCharsets.UTF_8));
            for (JsonNode value : values) {
                long v = (long) Double.parseDouble(value.path("value").asText("0"));
                pendingFiles = Math.max(0, pendingFiles) + v;
            }
        }
    }
}
