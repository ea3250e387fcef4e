package io.tributary.catalog.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One recorded run of a crawler: a pass started by hand, the first pass of a schedule (also after a
 * restart), and every later pass that changed the catalog or failed. {@code state}: {@code
 * SUCCEEDED} or {@code FAILED} (then {@code errors} says why); changes the registry refused are
 * errors of a run that still succeeded in the rest.
 */
public record CrawlerRun(
        String crawler,
        String id,
        Instant started,
        Instant ended,
        String state,
        String trigger,
        long filesListed,
        long filesSampled,
        List<String> tablesCreated,
        List<String> tablesUpdated,
        List<String> tablesDeprecated,
        List<String> tablesDeleted,
        long partitionsAdded,
        long partitionsUpdated,
        long partitionsRemoved,
        int versionsRegistered,
        List<String> errors) {

    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";

    public CrawlerRun {
        Objects.requireNonNull(crawler, "crawler");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(started, "started");
        tablesCreated = tablesCreated == null ? List.of() : List.copyOf(tablesCreated);
        tablesUpdated = tablesUpdated == null ? List.of() : List.copyOf(tablesUpdated);
        tablesDeprecated = tablesDeprecated == null ? List.of() : List.copyOf(tablesDeprecated);
        tablesDeleted = tablesDeleted == null ? List.of() : List.copyOf(tablesDeleted);
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public Duration took() {
        return ended == null ? Duration.ZERO : Duration.between(started, ended);
    }
}
