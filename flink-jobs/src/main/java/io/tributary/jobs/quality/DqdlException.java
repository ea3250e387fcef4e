package io.tributary.jobs.quality;

/** A ruleset that is not DQDL Tributary evaluates, with the 1-based line in the ruleset's text. */
public final class DqdlException extends RuntimeException {

    private final int line;

    public DqdlException(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
