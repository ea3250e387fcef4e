package io.tributary.catalog.store;

import java.time.Instant;

/**
 * One evaluation of one data quality rule over one window of a pipeline's records: the window is
 * the records between two checkpoints of one job ({@code job} and {@code checkpoint} name it, so a
 * result written again after a restart replaces itself). {@code value} is what the rule measured (a
 * row count, a share, a mean; for a rule decided per record, the share of records passing).
 *
 * @param ruleset where the ruleset is: {@code <pipeline>/<transform or sink>}
 */
public record QualityResult(
        String pipeline,
        String ruleset,
        String rule,
        String job,
        long checkpoint,
        Instant windowStart,
        Instant windowEnd,
        long records,
        Double value,
        boolean passed) {}
