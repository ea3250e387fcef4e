package io.tributary.jobs.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.JobRun;
import io.tributary.catalog.store.JobRun.State;
import io.tributary.connectors.s3.SourceBookmarks;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.translator.PipelineTranslator;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.slf4j.LoggerFactory;

/**
 * Runs a pipeline on a Flink cluster reached over REST (the embedded MiniCluster or any session
 * cluster) and keeps its run history: submits the translated job with durable checkpoints under the
 * pipeline's folder (resuming from the newest savepoint or retained checkpoint when asked), then
 * watches it, recording state, restarts and the last checkpoint, until it ends, times out or is
 * stopped with a savepoint.
 */
public final class PipelineRunner {

    private static final DateTimeFormatter RUN_ID =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final PipelineDef pipeline;
    private final Path home;
    private final CatalogStore store;
    private final PrintWriter out;

    /**
     * @param out hears progress lines; null for none
     */
    public PipelineRunner(PipelineDef pipeline, Path home, CatalogStore store, PrintWriter out) {
        this.pipeline = pipeline;
        this.home = home;
        this.store = store;
        this.out = out;
    }

    /** The pipeline's folder: {@code $TRIBUTARY_HOME/jobs/<name>}. */
    public static Path jobDir(Path home, String pipeline) {
        return home.resolve("jobs").resolve(pipeline);
    }

    /** Where the pipeline's checkpoints go: its setting, else {@code jobs/<name>/checkpoints}. */
    public String checkpointsUri() {
        String configured = pipeline.settings().checkpoints();
        if (configured != null && !configured.isBlank()) {
            return configured.contains("://")
                    ? configured
                    : Paths.get(configured).toAbsolutePath().toUri().toString();
        }
        return jobDir(home, pipeline.name())
                .resolve("checkpoints")
                .toAbsolutePath()
                .toUri()
                .toString();
    }

    /**
     * A submitted run: its record, the client of its Flink job, and how its secrets are masked in
     * what is shown of it (the job's errors).
     */
    public record Submitted(
            JobRun run,
            JobClient client,
            FlinkRest rest,
            List<String> plan,
            java.util.function.UnaryOperator<String> redact) {}

    /**
     * Translates and submits the pipeline to the cluster at {@code restAddress} ({@code
     * host:port}), starting from {@code resumeFrom} (a checkpoint or savepoint path) when not null.
     * {@code jars} are shipped with the job (Tributary's job jar when the cluster lacks it).
     */
    public Submitted submit(String restAddress, String resumeFrom, List<URI> jars) {
        Instant now = Instant.now();
        String id =
                pipeline.name()
                        + "-"
                        + RUN_ID.format(now)
                        + "-"
                        + String.format(
                                Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
        JobRun run =
                new JobRun(
                        id,
                        pipeline.name(),
                        pipeline.file(),
                        null,
                        restAddress,
                        State.STARTING,
                        now,
                        null,
                        0,
                        0,
                        null,
                        null,
                        null,
                        resumeFrom,
                        null);
        store.putRun(run);
        try {
            Configuration conf = new Configuration();
            conf.set(DeploymentOptions.TARGET, "remote");
            String[] hostPort = restAddress.replaceFirst("^https?://", "").split(":");
            conf.set(RestOptions.ADDRESS, hostPort[0]);
            conf.set(RestOptions.PORT, Integer.parseInt(hostPort[1].replaceAll("/.*", "")));
            conf.set(DeploymentOptions.ATTACHED, false);
            PipelineTranslator.jobConfiguration(pipeline, checkpointsUri())
                    .forEach(conf::setString);
            if (resumeFrom != null) {
                conf.setString("execution.savepoint.path", resumeFrom);
            }
            if (!jars.isEmpty()) {
                conf.setString(
                        "pipeline.jars",
                        String.join(";", jars.stream().map(URI::toString).toList()));
            }
            TableEnvironment env =
                    TableEnvironment.create(
                            EnvironmentSettings.newInstance()
                                    .inStreamingMode()
                                    .withConfiguration(conf)
                                    .build());
            PipelineTranslator translator = new PipelineTranslator(pipeline, home);
            StatementSet set = translator.translate(env);
            TableResult result = set.execute();
            JobClient client = result.getJobClient().orElseThrow();
            run = run.withJob(client.getJobID().toHexString(), restAddress);
            store.putRun(run);
            say(
                    "Run %s: job %s submitted to %s%s",
                    id,
                    run.flinkJobId(),
                    restAddress,
                    resumeFrom == null ? "" : " (resumed from " + resumeFrom + ")");
            return new Submitted(
                    run, client, new FlinkRest(restAddress), translator.plan(), translator::redact);
        } catch (RuntimeException e) {
            store.putRun(
                    run.withState(
                            State.FAILED, Instant.now(), PipelineTranslatorErrors.describe(e)));
            throw e;
        }
    }

    /**
     * Watches a submitted run until its job ends, the pipeline's timeout passes, or {@code stop}
     * turns true (then stops it with a savepoint); records every change in the run history and
     * returns the final record.
     */
    public JobRun watch(Submitted s, BooleanSupplier stop, Duration poll)
            throws InterruptedException {
        JobRun run = s.run();
        Duration timeout = pipeline.settings().timeout();
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        String lastLine = "";
        long lastSaid = 0;
        while (true) {
            JobRun stored = stored(run);
            String state;
            JsonNode job = null;
            try {
                job = s.rest().get("/jobs/" + run.flinkJobId());
                state = job.path("state").asText();
                run =
                        progress(
                                s,
                                run.withState(
                                        stored.state() == State.STOPPING
                                                ? State.STOPPING
                                                : run.state(),
                                        null,
                                        null),
                                job);
            } catch (IOException | RuntimeException e) {
                // the cluster is gone (a killed process) or briefly unreachable
                if (s.client().getJobExecutionResult().isDone()) {
                    state = "FAILED";
                } else {
                    Thread.sleep(poll.toMillis());
                    continue;
                }
            }
            switch (state) {
                case "FINISHED" -> {
                    // SUCCEEDED, or STOPPED when a stop with savepoint ended it
                    return end(run, State.SUCCEEDED, null);
                }
                case "FAILED" -> {
                    return end(run, State.FAILED, failure(s));
                }
                case "CANCELED" -> {
                    return end(run, State.STOPPED, "cancelled (no savepoint)");
                }
                default -> {
                    if (state.equals("RUNNING") && run.state() == State.STARTING) {
                        run = run.withState(State.RUNNING, null, null);
                    }
                }
            }
            JobRun mine = run;
            try {
                run = store.updateRun(run.id(), stored2 -> merge(stored2, mine));
            } catch (RuntimeException e) {
                // the store is closing (Ctrl-C): keep watching, the stop below still runs
                run = merge(stored, mine);
            }
            String line =
                    String.format(
                            Locale.ROOT,
                            "%s  restarts %d  checkpoint %s",
                            state,
                            run.attempts(),
                            run.lastCheckpointId() > 0 ? "#" + run.lastCheckpointId() : "none yet");
            if (!line.equals(lastLine)
                    || System.nanoTime() - lastSaid > Duration.ofSeconds(30).toNanos()) {
                say("%s  %s", run.id(), line + rows(s.rest(), run.flinkJobId(), job));
                lastLine = line;
                lastSaid = System.nanoTime();
            }
            if (stop.getAsBoolean()) {
                say("Stopping %s with a savepoint ...", run.id());
                String savepoint =
                        stopWithSavepoint(s.rest(), run, store, jobDir(home, pipeline.name()));
                say("Savepoint %s", savepoint);
                JobRun last = stored(run);
                return last.state() == State.STOPPED
                        ? last
                        : last.withSavepoint(savepoint)
                                .withState(State.STOPPED, Instant.now(), null);
            }
            if (System.nanoTime() > deadline) {
                say(
                        "%s ran longer than its timeout %s: cancelling (its checkpoints are kept)",
                        run.id(), timeout);
                store.updateRun(run.id(), r -> r.withState(State.TIMEOUT, null, null));
                try {
                    s.client().cancel().get();
                } catch (Exception e) {
                    // it ended meanwhile: the next look records how
                }
                return end(run, State.TIMEOUT, "ran longer than the pipeline's timeout " + timeout);
            }
            Thread.sleep(poll.toMillis());
        }
    }

    /** The run as stored, or {@code run} when the store cannot be read (it is closing). */
    private JobRun stored(JobRun run) {
        try {
            return store.run(run.id()).orElse(run);
        } catch (RuntimeException e) {
            return run;
        }
    }

    private static JobRun merge(JobRun stored, JobRun mine) {
        // a `tributary stop` from another process owns STOPPING/STOPPED and the savepoint
        if (stored.state() == State.STOPPING || stored.state().ended()) {
            return mine.withState(stored.state(), stored.ended(), stored.error())
                    .withSavepoint(stored.savepoint());
        }
        return mine;
    }

    /**
     * Records how the run ended, in one step against a concurrent {@code tributary stop}: a job
     * that finished or was cancelled while stopping is STOPPED, with the savepoint that stop
     * recorded.
     */
    private JobRun end(JobRun run, State state, String error) {
        JobRun last =
                store.updateRun(
                        run.id(),
                        stored -> {
                            boolean stopping =
                                    stored.state() == State.STOPPING
                                            || stored.state() == State.STOPPED;
                            State s = state;
                            String e = error;
                            if (state != State.FAILED && stopping) {
                                s = State.STOPPED;
                                e = null;
                            } else if (state == State.STOPPED && stored.state() == State.TIMEOUT) {
                                s = State.TIMEOUT;
                                e = stored.error();
                            }
                            return run.withState(s, Instant.now(), e)
                                    .withSavepoint(stored.savepoint());
                        });
        say("Run %s %s%s", run.id(), last.state(), last.error() == null ? "" : ": " + last.error());
        return last;
    }

    private JobRun progress(Submitted s, JobRun run, JsonNode job) throws IOException {
        int restarts = run.attempts();
        JsonNode metrics = s.rest().get("/jobs/" + run.flinkJobId() + "/metrics?get=numRestarts");
        for (JsonNode m : metrics) {
            restarts = (int) Double.parseDouble(m.path("value").asText("0"));
        }
        JsonNode completed =
                s.rest()
                        .get("/jobs/" + run.flinkJobId() + "/checkpoints")
                        .path("latest")
                        .path("completed");
        if (completed.isObject() && completed.path("id").asLong() > 0) {
            return run.withProgress(
                    restarts,
                    completed.path("id").asLong(),
                    completed.path("external_path").asText(null),
                    Instant.ofEpochMilli(completed.path("latest_ack_timestamp").asLong()));
        }
        return run.withProgress(
                restarts, run.lastCheckpointId(), run.lastCheckpoint(), run.lastCheckpointTime());
    }

    /**
     * Records the job's sources read: each source operator's own {@code numRecordsOut}, whether or
     * not the operators after it are chained into its vertex (a job with one sink is one vertex,
     * whose {@code write-records} stays 0); the vertex's {@code write-records} only where the
     * operator metric is not there.
     */
    private static String rows(FlinkRest rest, String jobId, JsonNode job) {
        if (job == null) {
            return "";
        }
        long read = 0;
        for (JsonNode v : job.path("vertices")) {
            if (!v.path("name").asText().startsWith("Source:")) {
                continue;
            }
            long fromOperators = -1;
            try {
                String vid = v.path("id").asText();
                List<String> names =
                        rest.metricNames(
                                jobId,
                                vid,
                                n -> n.startsWith("Source") && n.endsWith(".numRecordsOut"));
                if (!names.isEmpty()) {
                    fromOperators = 0;
                    for (JsonNode m : rest.aggregated(jobId, vid, names)) {
                        fromOperators += (long) m.path("sum").asDouble();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // metrics not there (yet, or any more): the vertex figure below
            }
            read +=
                    fromOperators >= 0
                            ? fromOperators
                            : v.path("metrics").path("write-records").asLong();
        }
        return "  records from sources " + read;
    }

    private static String failure(Submitted s) {
        try {
            JsonNode ex = s.rest().get("/jobs/" + s.run().flinkJobId() + "/exceptions");
            String root = ex.path("root-exception").asText("");
            String first = root.lines().findFirst().orElse("");
            if (first.isBlank()) {
                return "the job failed (see the Flink Web UI)";
            }
            // "Recovery is suppressed ..." says that it gave up, the innermost cause says why
            String cause =
                    root.lines()
                            .filter(l -> l.startsWith("Caused by: "))
                            .reduce((a, b) -> b)
                            .map(l -> l.substring("Caused by: ".length()))
                            .orElse(null);
            return s.redact()
                    .apply(
                            cause == null || cause.equals(first)
                                    ? first
                                    : first + "; caused by " + cause);
        } catch (IOException | RuntimeException e) {
            return "the job failed and its cluster no longer answers: " + e.getMessage();
        }
    }

    /**
     * Stops a run's job with a savepoint in {@code jobDir/savepoints} and records it as STOPPED
     * with that savepoint; returns the savepoint's path.
     */
    public static String stopWithSavepoint(
            FlinkRest rest, JobRun run, CatalogStore store, Path jobDir) {
        record(store, run.id(), r -> r.withState(State.STOPPING, null, null));
        try {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put(
                    "targetDirectory",
                    jobDir.resolve("savepoints").toAbsolutePath().toUri().toString());
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
     * {@link #resumePoint()} finds it in the pipeline's savepoints folder.
     */
    private static void record(
            CatalogStore store, String id, java.util.function.UnaryOperator<JobRun> change) {
        try {
            store.updateRun(id, change);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(PipelineRunner.class)
                    .warn("Could not record run {} in the run history: {}", id, e.getMessage());
        }
    }

    /**
     * Where {@code --resume} starts: the newest of the last run's savepoint and the retained
     * checkpoints (the run history's last one, and those under a local checkpoint folder).
     */
    public Optional<String> resumePoint() throws IOException {
        Map<String, Instant> candidates = new LinkedHashMap<>();
        for (JobRun r : store.runs()) {
            if (!r.pipeline().equals(pipeline.name())) {
                continue;
            }
            if (r.savepoint() != null && r.ended() != null) {
                candidates.put(r.savepoint(), r.ended());
            }
            if (r.lastCheckpoint() != null && r.lastCheckpointTime() != null) {
                candidates.put(r.lastCheckpoint(), r.lastCheckpointTime());
            }
        }
        Path savepoints = jobDir(home, pipeline.name()).resolve("savepoints");
        if (Files.isDirectory(savepoints)) {
            try (Stream<Path> sp = Files.list(savepoints)) {
                for (Path p : (Iterable<Path>) sp::iterator) {
                    Path md = p.resolve("_metadata");
                    boolean known =
                            candidates.keySet().stream()
                                    .anyMatch(k -> k.startsWith("file:") && sameFile(k, p));
                    if (Files.exists(md) && !known) {
                        candidates.put(
                                p.toUri().toString(), Files.getLastModifiedTime(md).toInstant());
                    }
                }
            }
        }
        URI uri = URI.create(checkpointsUri());
        if ("file".equals(uri.getScheme())) {
            Path dir = Paths.get(uri);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> jobs = Files.list(dir)) {
                    for (Path job : (Iterable<Path>) jobs::iterator) {
                        Optional<SourceBookmarks.Retained> latest = SourceBookmarks.latest(job);
                        latest.ifPresent(
                                r -> candidates.put(r.dir().toUri().toString(), r.taken()));
                    }
                }
            }
        }
        List<Map.Entry<String, Instant>> existing = new ArrayList<>();
        for (Map.Entry<String, Instant> e : candidates.entrySet()) {
            URI u =
                    URI.create(
                            e.getKey().contains("://") || e.getKey().startsWith("file:")
                                    ? e.getKey()
                                    : "file:" + e.getKey());
            if (!"file".equals(u.getScheme()) || Files.exists(Paths.get(u).resolve("_metadata"))) {
                existing.add(e);
            }
        }
        return existing.stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    private static boolean sameFile(String uri, Path p) {
        try {
            return Paths.get(URI.create(uri)).normalize().equals(p.toAbsolutePath().normalize());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void say(String format, Object... args) {
        if (out != null) {
            out.printf(
                    "[%s] %s%n",
                    java.time.LocalTime.now().withNano(0), String.format(format, args));
            out.flush();
        }
    }
}
