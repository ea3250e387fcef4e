package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.JobDefinition;
import io.tributary.catalog.store.JobRun;
import io.tributary.embedded.EmbeddedServices;
import io.tributary.embedded.EmbeddedServices.Kind;
import io.tributary.jobs.PipelineHome;
import io.tributary.jobs.definition.DefinitionText;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineException;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.definition.Variables;
import io.tributary.jobs.runs.PipelineRunner;
import io.tributary.jobs.translator.PipelineTranslator;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tributary run <pipeline.yaml>}: runs a pipeline on a local MiniCluster (Web UI up) or,
 * with {@code --target}, on a Flink cluster over REST; {@code --resume} starts from the newest
 * savepoint or retained checkpoint. Shows progress and records the run in the history until the job
 * ends; Ctrl-C stops it with a savepoint.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description =
                "Run a pipeline (YAML) locally or on a Flink cluster, with durable checkpoints.")
final class RunCommand implements Callable<Integer> {

    @Mixin HomeOption home;

    @Parameters(
            index = "0",
            paramLabel = "PIPELINE",
            description =
                    "The pipeline file (YAML), or the name of a pipeline that ran before: its"
                            + " latest definition as the catalog keeps it.")
    Path file;

    @Option(
            names = "--var",
            paramLabel = "NAME=VALUE",
            description =
                    "A value for $${NAME} in the file (also: environment, services' endpoints).")
    Map<String, String> vars = new LinkedHashMap<>();

    @Option(
            names = "--target",
            paramLabel = "HOST:PORT",
            description =
                    "Submit to the Flink cluster whose REST API is here (default: a local"
                            + " MiniCluster in this process).")
    String target;

    @Option(
            names = "--jar",
            paramLabel = "JAR",
            description =
                    "With --target: ship this job jar (Tributary's, from flink-jobs/target) to a"
                            + " cluster that lacks Tributary's classes.")
    Path jar;

    @Option(
            names = "--resume",
            description =
                    "Start from the newest savepoint or retained checkpoint of this pipeline.")
    boolean resume;

    @Option(
            names = "--from",
            paramLabel = "PATH",
            description = "Start from this savepoint or checkpoint.")
    String from;

    @Option(
            names = "--plan",
            description = "Print the Flink SQL the pipeline becomes; run nothing.")
    boolean plan;

    @Option(
            names = "--poll",
            defaultValue = "PT2S",
            description = "How often progress is read (default ${DEFAULT-VALUE}).")
    Duration poll;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = home.resolve();
        PipelineDef pipeline;
        JobDefinition stored = null;
        try {
            if (storedName(file)) {
                try (CatalogStore store = CatalogAccess.openStore(dir)) {
                    stored = stored(store, file.toString());
                }
                pipeline = parse(stored, vars, dir);
                out.println(
                        "Running the stored definition of "
                                + stored.pipeline()
                                + ", version "
                                + stored.version()
                                + " (stored "
                                + stored.stored()
                                + " from "
                                + stored.file()
                                + ")");
            } else {
                pipeline = parse(file, vars, dir);
            }
        } catch (IllegalArgumentException e) {
            err.println("tributary: " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        } catch (PipelineException e) {
            err.println("tributary: " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
        if (plan) {
            return printPlan(pipeline, dir, out, err);
        }
        try (CatalogStore store = CatalogAccess.openStore(dir)) {
            PipelineRunner runner = new PipelineRunner(pipeline, dir, store, out);
            if (stored != null) {
                runner.definition(stored.file(), stored.text());
            }
            // change paths follow their tables through the services' registry when it runs
            ServicesCommand.runningState(dir)
                    .map(state -> state.at("/services/schema-registry/url"))
                    .filter(JsonNode::isTextual)
                    .ifPresent(url -> runner.registry(url.asText()));
            String start = from;
            if (resume && start == null) {
                start =
                        runner.resumePoint()
                                .orElseThrow(
                                        () ->
                                                new IllegalArgumentException(
                                                        "Nothing to resume: pipeline "
                                                                + pipeline.name()
                                                                + " has no savepoint or retained"
                                                                + " checkpoint under "
                                                                + runner.checkpointsUri()));
            }
            if (target != null) {
                if (jar == null) {
                    out.println(
                            "No --jar: the cluster at "
                                    + target
                                    + " must have Tributary's classes (the embedded one does);"
                                    + " a plain Flink cluster needs the job jar,"
                                    + " flink-jobs/target/tributary-flink-jobs-*-job.jar");
                }
                List<URI> jars = jar == null ? List.of() : List.of(jar.toAbsolutePath().toUri());
                return watch(runner, runner.submit(target, start, jars), out);
            }
            out.println("Starting a local Flink MiniCluster ...");
            try (EmbeddedServices services =
                    EmbeddedServices.builder(dir.resolve("run")).with(Kind.FLINK).start()) {
                out.println("Flink Web UI: " + services.flink().webUiUrl());
                out.println("Prometheus metrics: " + services.flink().prometheusUrl());
                String rest = "127.0.0.1:" + services.flink().restPort();
                return watch(runner, runner.submit(rest, start, List.of()), out);
            }
        } catch (PipelineException e) {
            err.println("tributary: " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
    }

    /** Watches until the job ends; Ctrl-C (or SIGTERM) stops it with a savepoint first. */
    private int watch(PipelineRunner runner, PipelineRunner.Submitted s, PrintWriter out)
            throws InterruptedException {
        out.println(
                "Checkpoints (the bookmark): "
                        + runner.checkpointsUri()
                        + "  |  stop with a savepoint: tributary stop "
                        + s.run().id());
        out.flush();
        AtomicBoolean stop = new AtomicBoolean();
        // Ctrl-C: stop the job with a savepoint while every service is still up, then return
        try (Interrupts ignored = Interrupts.onFirst(() -> stop.set(true))) {
            JobRun last = runner.watch(s, stop::get, poll);
            return last.state() == JobRun.State.SUCCEEDED || last.state() == JobRun.State.STOPPED
                    ? ExitCodes.OK
                    : ExitCodes.FAILURE;
        }
    }

    private static int printPlan(PipelineDef pipeline, Path dir, PrintWriter out, PrintWriter err) {
        try {
            // a stream table environment: a dimension join is planned on the DataStream API
            StreamTableEnvironment env =
                    StreamTableEnvironment.create(
                            StreamExecutionEnvironment.getExecutionEnvironment(),
                            EnvironmentSettings.newInstance().inStreamingMode().build());
            PipelineTranslator t = new PipelineTranslator(pipeline, dir);
            t.translate(env);
            out.println("-- pipeline " + pipeline.name() + " (" + pipeline.file() + ")");
            PipelineTranslator.jobConfiguration(
                            pipeline,
                            PipelineHome.of(dir, pipeline.name(), pipeline.settings().checkpoints())
                                    .checkpointsUri())
                    .forEach((k, v) -> out.println("SET '" + k + "' = '" + v + "';"));
            t.plan().forEach(out::println);
            out.flush();
            return ExitCodes.OK;
        } catch (PipelineException e) {
            err.println("tributary: " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
    }

    /**
     * Whether the argument names a pipeline rather than a file: no such file, no folder in it, no
     * YAML extension.
     */
    static boolean storedName(Path file) {
        String s = file.toString();
        return !Files.exists(file)
                && !s.contains("/")
                && !s.contains("\\")
                && !s.endsWith(".yaml")
                && !s.endsWith(".yml");
    }

    /** The latest stored definition of pipeline {@code name}, if it can run from the catalog. */
    static JobDefinition stored(CatalogStore store, String name) {
        JobDefinition d =
                store.jobDefinition(name, 0)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "No file '"
                                                        + name
                                                        + "', and the catalog keeps no definition"
                                                        + " of a pipeline named '"
                                                        + name
                                                        + "' (a run keeps its definition; tributary"
                                                        + " jobs list shows the pipelines that"
                                                        + " ran)"));
        if (d.text().contains(DefinitionText.MASK)
                || d.text().contains(":******@")
                || d.text().contains("=******")) {
            throw new IllegalArgumentException(
                    "The stored definition of "
                            + name
                            + " (version "
                            + d.version()
                            + ") had secrets written in it, which the catalog never keeps, so"
                            + " it cannot run from there: run its file ("
                            + d.file()
                            + "), and refer to secrets as ${env:NAME} or ${file:/path} so that"
                            + " the stored definition can run");
        }
        return d;
    }

    static PipelineDef parse(JobDefinition stored, Map<String, String> vars, Path home) {
        return new PipelineParser(variables(vars, home))
                .parse("catalog:" + stored.pipeline() + "@v" + stored.version(), stored.text());
    }

    /** Parses a pipeline file with --var values, the environment and the services' endpoints. */
    static PipelineDef parse(Path file, Map<String, String> vars, Path home) {
        return new PipelineParser(variables(vars, home)).parse(file);
    }

    private static Variables variables(Map<String, String> vars, Path home) {
        Map<String, Map<String, String>> endpoints = new LinkedHashMap<>();
        Optional<JsonNode> running = ServicesCommand.runningState(home);
        if (running.isPresent()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = running.get().path("services").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> service = it.next();
                Map<String, String> e = new LinkedHashMap<>();
                service.getValue()
                        .fields()
                        .forEachRemaining(f -> e.put(f.getKey(), f.getValue().asText()));
                endpoints.put(service.getKey(), e);
            }
        }
        return Variables.of(vars, endpoints);
    }
}
