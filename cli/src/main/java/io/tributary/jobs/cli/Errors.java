package io.tributary.jobs.cli;

import io.tributary.jobs.Causes;

/** Turns an exception chain into one line a user can act on, without a stack trace. */
final class Errors {

    private Errors() {}

    static String describe(Throwable e) {
        return Causes.chain(e, 6) + " (full log in $TRIBUTARY_HOME/logs)";
    }
}
