package io.tributary.jobs.cli;

import io.tributary.jobs.PipelineHome;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;

/**
 * Where a bookmark command's argument points: a checkpoint or job folder as given, or the name of a
 * pipeline run by {@code tributary run} (its {@link PipelineHome}: one checkpoint folder per Flink
 * job, and the savepoints taken by {@code tributary stop}).
 */
record PipelineBookmarks(
        PipelineHome home, List<Path> jobDirs, List<PipelineHome.Savepoint> savepoints) {

    /** The pipeline called {@code name} under {@code home}; empty when {@code arg} is a folder. */
    static Optional<PipelineBookmarks> of(String arg, Path home) throws IOException {
        if (Files.isDirectory(Paths.get(arg))) {
            return Optional.empty();
        }
        PipelineHome pipeline = PipelineHome.of(home, arg);
        if (!Files.isDirectory(pipeline.dir())) {
            throw new IllegalArgumentException(
                    "'"
                            + arg
                            + "' is neither a folder nor a pipeline run under "
                            + home.resolve("jobs")
                            + " (tributary jobs list)");
        }
        return Optional.of(
                new PipelineBookmarks(
                        pipeline, pipeline.checkpointedJobs(), pipeline.savepointList()));
    }

    /** The folder of the job that checkpointed last. */
    Path newestJobDir() {
        if (jobDirs.isEmpty()) {
            throw new IllegalArgumentException(
                    "Pipeline " + home.pipeline() + " has no retained checkpoint yet");
        }
        return jobDirs.get(jobDirs.size() - 1);
    }

    /** Where {@code tributary run --resume} starts ({@link PipelineHome#resumePoint}). */
    Path resumePoint() throws IOException {
        String point =
                home.resumePoint(List.of())
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "Pipeline "
                                                        + home.pipeline()
                                                        + " has no savepoint or retained"
                                                        + " checkpoint"));
        return Paths.get(URI.create(point));
    }
}
