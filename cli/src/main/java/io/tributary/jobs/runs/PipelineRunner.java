package io.tributary.jobs.runs;

import io.tributary.catalog.registry.RegistryHttpServer;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.JobRun;
import io.tributary.catalog.store.JobRun.State;
import io.tributary.jobs.Causes;
import io.tributary.jobs.PipelineHome;
import io.tributary.jobs.definition.DefinitionText;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineException;
import io.tributary.jobs.definition.TransformDef;
import io.tributary.jobs.translator.ChangePaths;
import io.tributary.jobs.translator.PipelineTranslator;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

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
    private String registryUrl;
    private String definitionFile;
    private String definitionText;

    /** Where and with what the last run was submitted: a run planned again goes there too. */
    private String submittedTo;

    private List<URI> submittedJars = List.of();

    /** The catalog versions the last submitted job was planned on. */
    private CatalogFollower follower;

    /** Registries served by this process for runs on a cluster of this machine, per folder. */
    private static final Map<Path, RegistryHttpServer> LOCAL_REGISTRIES = new ConcurrentHashMap<>();

    /**
     * @param out hears progress lines; null for none
     */
    public PipelineRunner(PipelineDef pipeline, Path home, CatalogStore store, PrintWriter out) {
        this.pipeline = pipeline;
        this.home = home;
        this.store = store;
        this.out = out;
    }

    /**
     * The text the pipeline was parsed from (a stored definition run again), else the runner reads
     * the pipeline's file: each run keeps it in the catalog as a definition version.
     */
    public PipelineRunner definition(String file, String text) {
        this.definitionFile = file;
        this.definitionText = text;
        return this;
    }

    /**
     * Keeps the definition this run runs (literal secrets masked) and returns its version; 0 when
     * its text cannot be read (said, not fatal: the run itself does not need it).
     */
    private int storeDefinition() {
        String text = definitionText;
        String file = definitionFile != null ? definitionFile : pipeline.file();
        if (text == null) {
            try {
                text = Files.readString(Path.of(pipeline.file()), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                say(
                        "The definition of %s is not kept: %s cannot be read (%s)",
                        pipeline.name(), pipeline.file(), e.getClass().getSimpleName());
                return 0;
            }
            file = Path.of(pipeline.file()).toAbsolutePath().toString();
        }
        return store.putJobDefinition(pipeline.name(), file, DefinitionText.masked(text)).version();
    }

    /** The pipeline's folder, checkpoints and savepoints. */
    public PipelineHome home() {
        return PipelineHome.of(home, pipeline.name(), pipeline.settings().checkpoints());
    }

    /** Where the pipeline's checkpoints go: its setting, else {@code jobs/<name>/checkpoints}. */
    public String checkpointsUri() {
        return home().checkpointsUri();
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
            UnaryOperator<String> redact) {}

    /**
     * Translates and submits the pipeline to the cluster at {@code restAddress} ({@code
     * host:port}), starting from {@code resumeFrom} (a checkpoint or savepoint path) when not null.
     * {@code jars} are shipped with the job (Tributary's job jar when the cluster lacks it).
     */
    public Submitted submit(String restAddress, String resumeFrom, List<URI> jars) {
        submittedTo = restAddress;
        submittedJars = List.copyOf(jars);
        if (follower != null) {
            follower.close();
        }
        // before the translation reads the catalog: a version landing in between is one more plan
        follower = CatalogFollower.planned(pipeline, home);
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
                        null,
                        storeDefinition());
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
            PipelineTranslator translator = new PipelineTranslator(pipeline, home);
            JobClient client =
                    ChangePaths.of(pipeline).isEmpty()
                                    && pipeline.transforms().stream()
                                            .noneMatch(TransformDef::dimensionJoin)
                            ? submitSql(conf, translator)
                            : submitWithChangePaths(conf, translator, restAddress);
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
            store.putRun(run.withState(State.FAILED, Instant.now(), describe(e)));
            throw e;
        }
    }

    /**
     * Watches a submitted run until its job ends, the pipeline's timeout passes, or {@code stop}
     * turns true (then stops it with a savepoint); returns the final record ({@link RunWatcher}).
     */
    public JobRun watch(Submitted s, BooleanSupplier stop, Duration poll)
            throws InterruptedException {
        return follow(s, stop, poll).run();
    }

    /**
     * How a watch ended: the last run's record and the submission it watched last (a pipeline that
     * reads catalog tables is planned again, as a new run, when they change).
     */
    public record Watched(JobRun run, Submitted last) {}

    /**
     * Watches a submitted run as {@link #watch} does; when a catalog table the job reads ({@code
     * type: catalog}) reaches a schema version the job was not planned with (a crawler found a new
     * column), stops the job with a savepoint and, by the pipeline's {@code schema-evolution}:
     *
     * <ul>
     *   <li>{@code evolve}: plans the pipeline again on the new version, as a new run; the sinks
     *       add the new columns to their tables. When every sink writes by key, the new plan starts
     *       over and reads every input again: rows of files read before the version was registered
     *       get the new columns' values too, and rows rewritten with the same values are not
     *       doubled. With a sink that appends it resumes from the savepoint instead (rows read
     *       before hold NULL in the new columns, as said); if Flink refuses that savepoint (state
     *       kept between source and sink, a join's rows, has the old columns) the run ends there,
     *       saying so, as starting over would double rows.
     *   <li>{@code fail}: the run ends FAILED naming the table, its version and the columns; the
     *       savepoint keeps everything read so far for a {@code --resume}.
     * </ul>
     */
    public Watched follow(Submitted s, BooleanSupplier stop, Duration poll)
            throws InterruptedException {
        Submitted current = s;
        boolean restoring = false;
        while (true) {
            RunWatcher watcher = new RunWatcher(pipeline, home(), store, out);
            CatalogFollower planned = follower;
            boolean resumed = restoring;
            JobRun last =
                    watcher.watch(
                            current,
                            stop,
                            poll,
                            new RunWatcher.Follow() {
                                private long lastLook;

                                @Override
                                public String replan() {
                                    if (planned == null
                                            || !planned.follows()
                                            || System.nanoTime() - lastLook < poll.toNanos()) {
                                        return null;
                                    }
                                    lastLook = System.nanoTime();
                                    return planned.changed()
                                            .map(CatalogFollower.Change::describe)
                                            .orElse(null);
                                }

                                @Override
                                public boolean restoring() {
                                    return resumed;
                                }
                            });
            if (watcher.refusedRestore != null) {
                Submitted next = startOver(watcher.refusedRestore, current.run().resumedFrom());
                if (next == null) {
                    return new Watched(lastRun(last), current);
                }
                current = next;
                restoring = false;
                continue;
            }
            if (watcher.stoppedToReplan == null) {
                closeFollower();
                return new Watched(last, current);
            }
            CatalogFollower.Change change = follower.changed().orElse(null);
            if (!CatalogFollower.evolves(pipeline)) {
                String why =
                        watcher.stoppedToReplan
                                + ". schema-evolution is fail"
                                + (change == null
                                        ? ""
                                        : " (columns " + String.join(", ", change.columns()) + ")")
                                + ": set schema-evolution: evolve to let the new columns into the"
                                + " sinks and run it again (it starts over when every sink writes"
                                + " by key), or tributary run --resume "
                                + pipeline.file()
                                + " resumes the columns it had from savepoint "
                                + last.savepoint();
                JobRun ended =
                        store.updateRun(
                                last.id(), r -> r.withState(State.FAILED, Instant.now(), why));
                say("Run %s FAILED: %s", last.id(), why);
                closeFollower();
                return new Watched(ended, current);
            }
            Submitted next;
            if (CatalogFollower.replaySafe(pipeline)) {
                // Files the old plan read since the column appeared hold it too: resumed from
                // the savepoint, their rows would keep NULL there. Every sink writes by key, so
                // reading every input again rewrites rows with the same values, doubles none.
                say(
                        "Planning %s again on the new catalog version: it starts over and reads"
                                + " every input again, so the rows read before carry the new"
                                + " columns too; every sink writes by key, none is doubled ...",
                        pipeline.name());
                try {
                    next = submit(submittedTo, null, submittedJars);
                } catch (RuntimeException e) {
                    next = failedToPlan(e, last.savepoint());
                }
                restoring = false;
                if (next == null) {
                    return new Watched(lastRun(last), current);
                }
                current = next;
                continue;
            }
            say(
                    "Planning %s again on the new catalog version, resumed from the savepoint: a"
                            + " sink appends, so what was read is not read again, and rows read"
                            + " before the new version hold NULL in its columns (%s)",
                    pipeline.name(), change == null ? "" : String.join(", ", change.columns()));
            try {
                next = submit(submittedTo, last.savepoint(), submittedJars);
                restoring = true;
            } catch (RuntimeException e) {
                // Flink refuses some restores when the job is submitted (state it cannot map)
                String refused = RunWatcher.refusal(Causes.all(e));
                next =
                        refused != null
                                ? startOver(refused, last.savepoint())
                                : failedToPlan(e, last.savepoint());
                restoring = false;
            }
            if (next == null) {
                return new Watched(lastRun(last), current);
            }
            current = next;
        }
    }

    /**
     * The new plan started over, reading every input again, after Flink refused the savepoint
     * {@code savepoint} of the old one ({@code refused} says why): when every sink writes by key,
     * so nothing is doubled; else null, with the run recorded FAILED saying so.
     */
    private Submitted startOver(String refused, String savepoint) {
        if (!CatalogFollower.replaySafe(pipeline)) {
            String why =
                    "the new plan cannot resume from the savepoint ("
                            + refused
                            + ") and starting it over would write every row again into a sink"
                            + " that appends: give every sink keys (mode: upsert), or resume the"
                            + " old definition with --from "
                            + savepoint;
            JobRun newest = lastRun(null);
            if (newest != null) {
                store.updateRun(newest.id(), r -> r.withState(State.FAILED, Instant.now(), why));
            }
            say("%s FAILED: %s", pipeline.name(), why);
            closeFollower();
            return null;
        }
        say(
                "Flink cannot resume the new plan from the old one's savepoint (%s): state kept"
                        + " between source and sink (a join's rows) has the old columns, or its"
                        + " operators changed. It starts over and reads every input again; every"
                        + " sink writes by key, so rows already written are rewritten with the"
                        + " same values, none doubled",
                refused);
        try {
            return submit(submittedTo, null, submittedJars);
        } catch (RuntimeException e) {
            return failedToPlan(e, savepoint);
        }
    }

    /**
     * Says why the pipeline could not be planned again (a sink refuses the new columns, say; {@link
     * #submit} recorded its run FAILED with the reason) and returns null; the savepoint, if any, is
     * kept for a {@code --resume}.
     */
    private Submitted failedToPlan(RuntimeException e, String savepoint) {
        say(
                "%s could not be planned again: %s%s",
                pipeline.name(),
                describe(e),
                savepoint == null ? "" : " (its savepoint is kept: " + savepoint + ")");
        closeFollower();
        return null;
    }

    /** The newest run of this pipeline in the history, else {@code fallback}. */
    private JobRun lastRun(JobRun fallback) {
        return store.runs().stream()
                .filter(r -> r.pipeline().equals(pipeline.name()))
                .max(java.util.Comparator.comparing(JobRun::started))
                .orElse(fallback);
    }

    private void closeFollower() {
        if (follower != null) {
            follower.close();
            follower = null;
        }
    }

    /** The job of a pipeline whose sinks are all fed by SQL: one statement set. */
    private static JobClient submitSql(Configuration conf, PipelineTranslator translator) {
        TableEnvironment env =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inStreamingMode()
                                .withConfiguration(conf)
                                .build());
        try {
            return translator.translate(env).execute().getJobClient().orElseThrow();
        } finally {
            translator.closeCatalogs(env);
        }
    }

    /**
     * The job of a pipeline with change paths ({@link ChangePaths}): its SQL sinks and its change
     * streams in one stream environment, so one job, one checkpoint.
     */
    private JobClient submitWithChangePaths(
            Configuration conf, PipelineTranslator translator, String restAddress) {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        try {
            StreamStatementSet set = (StreamStatementSet) translator.translate(tables);
            if (translator.inserts() > 0) {
                set.attachAsDataStream();
            }
            ChangePaths.attach(pipeline, home, env, changeRegistry(restAddress));
            try {
                return env.executeAsync("tributary: " + pipeline.name());
            } catch (Exception e) {
                throw new IllegalStateException(
                        "Could not submit " + pipeline.name() + ": " + Causes.innermost(e), e);
            }
        } finally {
            translator.closeCatalogs(tables);
        }
    }

    /**
     * The registry the change paths follow their tables' columns through, unless a sink names one:
     * the running services' (given with {@link #registry}), else, for a cluster on this machine,
     * one this process serves from the pipeline's folder.
     */
    private String changeRegistry(String restAddress) {
        if (registryUrl != null) {
            return registryUrl;
        }
        String host = restAddress.replaceFirst("^https?://", "").split(":")[0];
        if (host.equals("127.0.0.1") || host.equals("localhost")) {
            return LOCAL_REGISTRIES
                    .computeIfAbsent(
                            home().dir().resolve("registry"), d -> RegistryHttpServer.start(d, 0))
                    .url();
        }
        return null;
    }

    /**
     * The registry the change paths of this run follow their tables' columns through, when no sink
     * names one ({@code tributary services up}'s); null for the default.
     */
    public PipelineRunner registry(String url) {
        this.registryUrl = url;
        return this;
    }

    /** Where {@code --resume} starts ({@link PipelineHome#resumePoint}). */
    public Optional<String> resumePoint() throws IOException {
        return home().resumePoint(store.runs());
    }

    private void say(String format, Object... args) {
        if (out != null) {
            out.printf("[%s] %s%n", LocalTime.now().withNano(0), String.format(format, args));
            out.flush();
        }
    }

    /** The one-line reason a run failed to start, as the run history keeps it. */
    private static String describe(RuntimeException e) {
        // a pipeline error is already one line with secrets masked; its causes are not
        return e instanceof PipelineException ? e.getMessage() : Causes.innermostLine(e, 1000);
    }
}
