package io.tributary.jobs.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.JobRun;
import io.tributary.catalog.store.JobRun.State;
import io.tributary.jobs.PipelineHome;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.runs.PipelineRunner.Submitted;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Follows a submitted pipeline run until its job ends, the pipeline's timeout passes or it is asked
 * to stop (with a savepoint), recording state, restarts, the last checkpoint and the rows read in
 * the run history, and printing a progress line when it changes.
 */
final class RunWatcher {

    private final PipelineDef pipeline;
    private final PipelineHome home;
    private final CatalogStore store;
    private final PrintWriter out;

    /** What a run that follows its catalog tables is watched for besides its job's state. */
    interface Follow {

        /** A reason to stop the job with a savepoint and plan it again, or null. */
        String replan();

        /**
         * Whether the job was resumed from a savepoint of an older plan: a restore Flink refuses
         * (state of another shape) then ends the watch at once, rather than after every restart.
         */
        boolean restoring();
    }

    private static final Follow NONE =
            new Follow() {
                @Override
                public String replan() {
                    return null;
                }

                @Override
                public boolean restoring() {
                    return false;
                }
            };

    /** Messages of a restore Flink refuses because the state has another shape than the plan. */
    private static final List<String> REFUSED_RESTORE =
            List.of(
                    "StateMigrationException",
                    "Cannot map checkpoint/savepoint state",
                    "must not be incompatible",
                    "is incompatible");

    /** Why the last watch stopped the job to plan it again; null when it did not. */
    String stoppedToReplan;

    /** Why Flink refused the last watch's restore; null when it did not. */
    String refusedRestore;

    RunWatcher(PipelineDef pipeline, PipelineHome home, CatalogStore store, PrintWriter out) {
        this.pipeline = pipeline;
        this.home = home;
        this.store = store;
        this.out = out;
    }

    JobRun watch(Submitted s, BooleanSupplier stop, Duration poll) throws InterruptedException {
        return watch(s, stop, poll, NONE);
    }

    /**
     * Watches a submitted run until its job ends, the pipeline's timeout passes, or {@code stop}
     * turns true (then stops it with a savepoint); records every change in the run history and
     * returns the final record.
     */
    JobRun watch(Submitted s, BooleanSupplier stop, Duration poll, Follow follow)
            throws InterruptedException {
        stoppedToReplan = null;
        refusedRestore = null;
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
            if (follow.restoring()
                    && run.lastCheckpointId() == 0
                    && (run.attempts() > 0 || !state.equals("RUNNING"))) {
                String refused = refusedRestore(s);
                if (refused != null) {
                    refusedRestore = refused;
                    try {
                        s.client().cancel().get();
                    } catch (Exception e) {
                        // it failed for good meanwhile
                    }
                    return end(
                            run,
                            State.FAILED,
                            "the savepoint does not fit the new plan: " + refused);
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
                String savepoint = StopWithSavepoint.stop(s.rest(), run, store, home);
                say("Savepoint %s", savepoint);
                JobRun last = stored(run);
                return last.state() == State.STOPPED
                        ? last
                        : last.withSavepoint(savepoint)
                                .withState(State.STOPPED, Instant.now(), null);
            }
            String replan = state.equals("RUNNING") ? follow.replan() : null;
            if (replan != null) {
                say("%s; stopping %s with a savepoint to plan it again ...", replan, run.id());
                String savepoint = StopWithSavepoint.stop(s.rest(), run, store, home);
                say("Savepoint %s", savepoint);
                stoppedToReplan = replan;
                JobRun last = stored(run);
                return last.withSavepoint(savepoint).withState(State.STOPPED, Instant.now(), null);
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

    /** The root exception of a job whose restore Flink refused for its state's shape, or null. */
    private static String refusedRestore(Submitted s) {
        try {
            JsonNode ex = s.rest().get("/jobs/" + s.run().flinkJobId() + "/exceptions");
            return refusal(ex.path("root-exception").asText(""));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The line of {@code text} (an exception and its causes) that says Flink refused a restore for
     * its state's shape; null when it says no such thing.
     */
    static String refusal(String text) {
        for (String pattern : REFUSED_RESTORE) {
            if (text.contains(pattern)) {
                return text.lines()
                        .filter(l -> l.contains(pattern))
                        .findFirst()
                        .map(String::strip)
                        .orElse(pattern);
            }
        }
        return null;
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

    private void say(String format, Object... args) {
        if (out != null) {
            out.printf("[%s] %s%n", LocalTime.now().withNano(0), String.format(format, args));
            out.flush();
        }
    }
}
