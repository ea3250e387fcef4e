package io.tributary.jobs.definition;

import java.util.Map;

/**
 * A {@code pii:} block of a transform or sink: what becomes of each sensitive column before its
 * rows go on (to the sinks, and to the quarantine): {@code redact} (the value replaced by {@code
 * ****}), {@code partial-redact} (all but the last {@code keep} characters masked), {@code sha256}
 * (a salted hash: equal values stay joinable, the value is not readable) or {@code drop}.
 *
 * @param salt the secret the hashes are salted with (from a variable); null without sha256 columns
 */
public record PiiDef(Map<String, Action> columns, String salt, Position at) {

    /** One column's action. */
    public record Action(String action, int keep, Position at) {}
}
