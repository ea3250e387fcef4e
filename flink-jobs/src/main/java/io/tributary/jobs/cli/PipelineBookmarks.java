package io.tributary.jobs.cli;

import io.tributary.connectors.s3.SourceBookmarks;
import io.tributary.jobs.runs.PipelineRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a bookmark command's argument points: a checkpoint or job folder as given, or the name of a
 * pipeline run by {@code tributary run} (its folders under {@code $TRIBUTARY_HOME/jobs/<name>}: one
 * checkpoint folder per Flink job, and the savepoints taken by {@code tributary stop}).
 */
record PipelineBookmarks(String pipeline, List<Path> jobDirs, List<Savepoint> savepoints) {

    /** A savepoint folder and when it was written. */
    record Savepoint(Path dir, Instant taken) {}

    /** The pipeline called {@code name} under {@code home}; empty when {@code arg} is a folder. */
    static Optional<PipelineBookmarks> of(String arg, Path home) throws IOException {
        if (Files.isDirectory(Paths.get(arg))) {
            return Optional.empty();
        }
        Path dir = PipelineRunner.jobDir(home, arg);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "'"
                            + arg
                            + "' is neither a folder nor a pipeline run under "
                            + home.resolve("jobs")
                            + " (tributary jobs list)");
        }
        List<Path> jobs = new ArrayList<>();
        Path checkpoints = dir.resolve("checkpoints");
        if (Files.isDirectory(checkpoints)) {
            try (Stream<Path> s = Files.list(checkpoints)) {
                jobs.addAll(s.filter(Files::isDirectory).toList());
            }
        }
        // oldest first, by their newest retained checkpoint
        List<Path> withCheckpoints = new ArrayList<>();
        for (Path j : jobs) {
            if (SourceBookmarks.latest(j).isPresent()) {
                withCheckpoints.add(j);
            }
        }
        withCheckpoints.sort(Comparator.comparing(j -> taken(j)));
        List<Savepoint> savepoints = new ArrayList<>();
        Path sp = dir.resolve("savepoints");
        if (Files.isDirectory(sp)) {
            try (Stream<Path> s = Files.list(sp)) {
                for (Path p : s.toList()) {
                    Path md = p.resolve("_metadata");
                    if (Files.exists(md)) {
                        savepoints.add(new Savepoint(p, Files.getLastModifiedTime(md).toInstant()));
                    }
                }
            }
        }
        savepoints.sort(Comparator.comparing(Savepoint::taken));
        return Optional.of(new PipelineBookmarks(arg, withCheckpoints, savepoints));
    }

    private static Instant taken(Path jobDir) {
        try {
            return SourceBookmarks.latest(jobDir)
                    .map(SourceBookmarks.Retained::taken)
                    .orElse(Instant.MIN);
        } catch (IOException e) {
            return Instant.MIN;
        }
    }

    /** The folder of the job that checkpointed last. */
    Path newestJobDir() {
        if (jobDirs.isEmpty()) {
            throw new IllegalArgumentException(
                    "Pipeline " + pipeline + " has no retained checkpoint yet");
        }
        return jobDirs.get(jobDirs.size() - 1);
    }

    /** Where {@code tributary run --resume} starts: the newest savepoint or retained checkpoint. */
    Path resumePoint() throws IOException {
        Optional<SourceBookmarks.Retained> checkpoint =
                jobDirs.isEmpty() ? Optional.empty() : SourceBookmarks.latest(newestJobDir());
        Optional<Savepoint> savepoint =
                savepoints.isEmpty()
                        ? Optional.empty()
                        : Optional.of(savepoints.get(savepoints.size() - 1));
        if (checkpoint.isEmpty() && savepoint.isEmpty()) {
            throw new IllegalArgumentException(
                    "Pipeline " + pipeline + " has no savepoint or retained checkpoint");
        }
        if (checkpoint.isPresent()
                && (savepoint.isEmpty()
                        || checkpoint.get().taken().isAfter(savepoint.get().taken()))) {
            return checkpoint.get().dir();
        }
        return savepoint.get().dir();
    }
}
