package io.tributary.catalog.store;

import java.util.List;
import java.util.Optional;

/** The pipelines' definitions, versioned, as the runs ran them. */
public interface JobDefinitionStore {

    /**
     * Keeps {@code text} as the pipeline's latest definition: the latest version when its text is
     * the same (same hash), else a new version, one more than the latest. Atomic also against other
     * processes storing at once.
     */
    JobDefinition putJobDefinition(String pipeline, String file, String text);

    /**
     * Version {@code version} of the pipeline's definition; the latest when {@code version} is 0.
     */
    Optional<JobDefinition> jobDefinition(String pipeline, int version);

    /** Every version of the pipeline's definition, oldest first. */
    List<JobDefinition> jobDefinitions(String pipeline);
}
