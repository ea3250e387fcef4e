package io.tributary.jobs.cli;

/** Exit codes of the CLI, so scripts can tell failures apart. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    /** {@code services status} when the stack is not running (as systemctl's "inactive"). */
    static final int NOT_RUNNING = 3;

    private ExitCodes() {}
}
