package io.tributary.jobs;

import io.tributary.catalog.store.JobRun;
import io.tributary.connectors.s3.SourceBookmarks;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A pipeline's folder under {@code $TRIBUTARY_HOME/jobs/<name>}: where its checkpoints go (its
 * {@code checkpoints} setting, else {@code checkpoints/} here, one folder per Flink job), where
 * {@code tributary stop} puts savepoints, and the one answer to "where does {@code --resume}
 * start": the newest of the savepoints and retained checkpoints, those the run history names and
 * those found on disk.
 */
public final class PipelineHome {

    private final Path dir;
    private final String pipeline;
    private final String checkpointsSetting;

    private PipelineHome(Path home, String pipeline, String checkpointsSetting) {
        this.dir = home.resolve("jobs").resolve(pipeline).toAbsolutePath();
        this.pipeline = pipeline;
        this.checkpointsSetting =
                checkpointsSetting == null || checkpointsSetting.isBlank()
                        ? null
                        : checkpointsSetting;
    }

    /** The folder of pipeline {@code name}, its checkpoints where the default puts them. */
    public static PipelineHome of(Path home, String name) {
        return new PipelineHome(home, name, null);
    }

    /** The folder of pipeline {@code name}, with the pipeline's {@code checkpoints} setting. */
    public static PipelineHome of(Path home, String name, String checkpointsSetting) {
        return new PipelineHome(home, name, checkpointsSetting);
    }

    public String pipeline() {
        return pipeline;
    }

    public Path dir() {
        return dir;
    }

    public Path savepoints() {
        return dir.resolve("savepoints");
    }

    /** Where the pipeline's checkpoints go, as Flink's checkpoint directory URI. */
    public String checkpointsUri() {
        if (checkpointsSetting != null) {
            return checkpointsSetting.contains("://")
                    ? checkpointsSetting
                    : Paths.get(checkpointsSetting).toAbsolutePath().toUri().toString();
        }
        return dir.resolve("checkpoints").toUri().toString();
    }

    /** The local checkpoint folder, when the checkpoints are on this machine's disk. */
    public Optional<Path> localCheckpoints() {
        URI uri = URI.create(checkpointsUri());
        return "file".equals(uri.getScheme()) ? Optional.of(Paths.get(uri)) : Optional.empty();
    }

    /** A savepoint folder and when it was written. */
    public record Savepoint(Path dir, Instant taken) {}

    /** The savepoints taken by {@code tributary stop}, oldest first. */
    public List<Savepoint> savepointList() throws IOException {
        List<Savepoint> savepoints = new ArrayList<>();
        if (Files.isDirectory(savepoints())) {
            try (Stream<Path> s = Files.list(savepoints())) {
                for (Path p : s.toList()) {
                    Path md = p.resolve("_metadata");
                    if (Files.exists(md)) {
                        savepoints.add(new Savepoint(p, Files.getLastModifiedTime(md).toInstant()));
                    }
                }
            }
        }
        savepoints.sort(Comparator.comparing(Savepoint::taken));
        return savepoints;
    }

    /** The local folders of the pipeline's Flink jobs with a retained checkpoint, oldest first. */
    public List<Path> checkpointedJobs() throws IOException {
        return List.copyOf(retainedByJob().keySet());
    }

    /** Each local job folder's newest retained checkpoint, oldest first. */
    private Map<Path, SourceBookmarks.Retained> retainedByJob() throws IOException {
        Optional<Path> checkpoints = localCheckpoints();
        if (checkpoints.isEmpty() || !Files.isDirectory(checkpoints.get())) {
            return Map.of();
        }
        List<Map.Entry<Path, SourceBookmarks.Retained>> jobs = new ArrayList<>();
        try (Stream<Path> s = Files.list(checkpoints.get())) {
            for (Path job : s.filter(Files::isDirectory).toList()) {
                SourceBookmarks.latest(job).ifPresent(r -> jobs.add(Map.entry(job, r)));
            }
        }
        jobs.sort(Comparator.comparing(e -> e.getValue().taken()));
        Map<Path, SourceBookmarks.Retained> ordered = new LinkedHashMap<>();
        jobs.forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return ordered;
    }

    /**
     * Where {@code --resume} starts: the newest of the savepoints and retained checkpoints that
     * still exist, those in {@code history} (the run history's savepoints and last checkpoints, on
     * any storage) and those on this disk (savepoints folder, local checkpoint folder). Empty when
     * there is none.
     */
    public Optional<String> resumePoint(List<JobRun> history) throws IOException {
        // one entry per location, however spelled; the first spelling (the history's) is kept
        Map<String, Candidate> candidates = new LinkedHashMap<>();
        for (JobRun r : history) {
            if (!r.pipeline().equals(pipeline)) {
                continue;
            }
            if (r.savepoint() != null && r.ended() != null) {
                add(candidates, r.savepoint(), r.ended());
            }
            if (r.lastCheckpoint() != null && r.lastCheckpointTime() != null) {
                add(candidates, r.lastCheckpoint(), r.lastCheckpointTime());
            }
        }
        for (Savepoint s : savepointList()) {
            add(candidates, s.dir().toUri().toString(), s.taken());
        }
        for (SourceBookmarks.Retained r : retainedByJob().values()) {
            add(candidates, r.dir().toUri().toString(), r.taken());
        }
        List<Map.Entry<String, Candidate>> existing = new ArrayList<>();
        for (Map.Entry<String, Candidate> e : candidates.entrySet()) {
            URI u = URI.create(e.getKey());
            if (!"file".equals(u.getScheme()) || Files.exists(Paths.get(u).resolve("_metadata"))) {
                existing.add(e);
            }
        }
        return existing.stream()
                .max(Comparator.comparing(e -> e.getValue().taken()))
                .map(e -> e.getValue().location());
    }

    private record Candidate(String location, Instant taken) {}

    private static void add(Map<String, Candidate> candidates, String location, Instant taken) {
        candidates.putIfAbsent(key(location), new Candidate(location, taken));
    }

    /** One spelling per location: a local path or file URI as a normalized file URI. */
    private static String key(String location) {
        if (location.contains("://") && !location.startsWith("file:")) {
            return location;
        }
        try {
            Path p =
                    location.startsWith("file:")
                            ? Paths.get(URI.create(location))
                            : Paths.get(location);
            return p.toAbsolutePath().normalize().toUri().toString();
        } catch (RuntimeException e) {
            return location;
        }
    }
}
