package io.tributary.jobs.definition;

import io.tributary.jobs.quality.DqRule;
import java.util.List;

/**
 * A {@code quality:} block of a transform or sink: a DQDL ruleset and what happens to a record that
 * fails one of its rules: {@code quarantine} (set aside with the rules it failed, the default),
 * {@code flag} (kept, with the rules it failed in a {@code dq_failed_rules} column, as Glue's
 * row-level outcomes) or {@code fail} (the job stops, naming the rules).
 *
 * <p>{@code gate} decides what a window that fails one of the ruleset's window rules does to the
 * sink's rows: {@code record} (the result is recorded, the rows land: the default), {@code hold}
 * (the window's rows are held back, in the job's state, until a later window passes, then land with
 * it) or {@code quarantine} (the window's rows go to the quarantine, naming the rules).
 *
 * @param text the ruleset as written
 * @param maxHeld the most rows a gate holds before the job fails rather than hold more
 * @param rulesLine the line of the ruleset's first line in the pipeline file
 */
public record QualityDef(
        String action,
        String text,
        List<DqRule> rules,
        Position at,
        int rulesLine,
        String gate,
        int maxHeld) {

    /** Whether windows that fail hold back or quarantine the sink's rows. */
    public boolean gates() {
        return !gate.equals("record");
    }

    /** The file line of a rule's line within the ruleset. */
    public Position ruleAt(int rulesetLine) {
        return at.child("rules", rulesLine + rulesetLine - 1);
    }
}
