package io.tributary.jobs.definition;

import java.util.Map;

/**
 * A {@code pii:} block of a transform or sink: what becomes of each sensitive column before its
 * rows go on (to the sinks, and to the quarantine): {@code redact} (the value replaced by {@code
 * ****}), {@code partial-redact} (all but the last {@code keep} characters masked), {@code sha256}
 * (a salted hash: equal values stay joinable, the value is not readable) or {@code drop}.
 *
 * <p>{@code tags} gives an action per PII tag the crawler put on a catalog table's columns ({@code
 * EMAIL}, {@code PHONE}, ...): every column of the input named as a tagged column of a catalog
 * table the pipeline reads gets its tag's action, unless {@code columns} names it.
 *
 * @param salt the secret the hashes are salted with (from a variable); null without sha256 columns
 */
public record PiiDef(
        Map<String, Action> columns, Map<String, Action> tags, String salt, Position at) {

    /**
     * The action on each column of the input: the column's own, else its tag's ({@code tagOf} maps
     * a column to its tag, or to null).
     */
    public Map<String, Action> resolve(
            java.util.Collection<String> input, java.util.function.Function<String, String> tagOf) {
        Map<String, Action> out = new java.util.LinkedHashMap<>();
        for (String c : input) {
            Action a = columns.get(c);
            if (a == null) {
                String tag = tagOf.apply(c);
                a = tag == null ? null : tags.get(tag);
            }
            if (a != null) {
                out.put(c, a);
            }
        }
        return out;
    }

    /** One column's action. */
    public record Action(String action, int keep, Position at) {}
}
