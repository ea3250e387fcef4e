package io.tributary.jobs.definition;

import java.util.List;
import java.util.Optional;

/**
 * A pipeline as its YAML file declares it (format version 1): sources, SQL transforms and sinks,
 * plus the job's settings. Built only by {@link PipelineParser}, which has checked every reference
 * and value; the translator turns it into one Flink job.
 */
public record PipelineDef(
        String file,
        int version,
        String name,
        String description,
        SettingsDef settings,
        List<SourceDef> sources,
        List<TransformDef> transforms,
        List<SinkDef> sinks) {

    public static final int FORMAT_VERSION = 1;

    /** The source or transform called {@code name}, as a sink's or transform's input. */
    public Optional<Position> input(String name) {
        for (SourceDef s : sources) {
            if (s.name().equals(name)) {
                return Optional.of(s.at());
            }
        }
        for (TransformDef t : transforms) {
            if (t.name().equals(name)) {
                return Optional.of(t.at());
            }
        }
        return Optional.empty();
    }
}
