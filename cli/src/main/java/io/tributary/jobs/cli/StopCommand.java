package io.tributary.jobs.cli;

import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.JobRun;
import io.tributary.jobs.PipelineHome;
import io.tributary.jobs.runs.FlinkRest;
import io.tributary.jobs.runs.StopWithSavepoint;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tributary stop <run|pipeline>}: stops a running pipeline with a savepoint (under {@code
 * jobs/<pipeline>/savepoints}); {@code tributary run --resume} starts from it.
 */
@Command(
        name = "stop",
        mixinStandardHelpOptions = true,
        description = "Stop a running pipeline with a savepoint.")
final class StopCommand implements Callable<Integer> {

    @Mixin HomeOption home;

    @Parameters(
            index = "0",
            paramLabel = "RUN|PIPELINE",
            description = "A run id, or a pipeline name (its newest running run).")
    String which;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (CatalogStore store = CatalogAccess.openStore(home.resolve())) {
            JobRun run = JobsCommand.find(store, which);
            if (run.state().ended()) {
                throw new IllegalArgumentException(
                        "Run " + run.id() + " already ended (" + run.state() + ")");
            }
            if (run.flinkJobId() == null) {
                throw new IllegalArgumentException(
                        "Run " + run.id() + " has no Flink job yet (" + run.state() + ")");
            }
            out.println(
                    "Stopping "
                            + run.id()
                            + " (job "
                            + run.flinkJobId()
                            + ") with a savepoint ...");
            out.flush();
            String savepoint =
                    StopWithSavepoint.stop(
                            new FlinkRest(run.target()),
                            run,
                            store,
                            PipelineHome.of(home.resolve(), run.pipeline()));
            out.println("Stopped. Savepoint: " + savepoint);
            out.println("Resume with: tributary run " + run.file() + " --resume");
            return ExitCodes.OK;
        }
    }
}
