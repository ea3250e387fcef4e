package io.tributary.jobs.quality;

import org.apache.flink.table.functions.ScalarFunction;

/**
 * The {@code action: fail} of a ruleset: TRUE for a record that passed every rule, else the job
 * fails with the rules the record failed. The record's values are not in the message: a ruleset
 * often guards columns that are personal data.
 */
public final class QualityAssert extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    private final String ruleset;

    public QualityAssert(String ruleset) {
        this.ruleset = ruleset;
    }

    public Boolean eval(String failedRules) {
        if (failedRules == null) {
            return Boolean.TRUE;
        }
        throw new QualityFailure(
                "a record failed the data quality rules of "
                        + ruleset
                        + " (action: fail): "
                        + failedRules
                        + ". Fix the data, or set the ruleset's action to quarantine or flag");
    }

    /** A record failed a ruleset whose action is {@code fail}. */
    public static final class QualityFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        QualityFailure(String message) {
            super(message);
        }
    }
}
