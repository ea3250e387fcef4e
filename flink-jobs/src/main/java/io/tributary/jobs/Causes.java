package io.tributary.jobs;

/**
 * What an exception chain says, in the forms Tributary shows it: the innermost message (what
 * actually went wrong, under Flink's and the planner's wrappers), one line of it for the run
 * history, or every distinct message joined for a command's error line. One place for all.
 */
public final class Causes {

    private static final int MAX_DEPTH = 64;

    private Causes() {}

    /** The message of the innermost cause that has one; the exception itself if none does. */
    public static String innermost(Throwable e) {
        String message = e.getMessage();
        Throwable t = e;
        for (int depth = 0;
                depth < MAX_DEPTH && t.getCause() != null && t.getCause() != t;
                depth++) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message == null ? e.toString() : message;
    }

    /** The innermost message on one line (its line breaks folded), at most {@code max} chars. */
    public static String innermostLine(Throwable e, int max) {
        String line = String.join(" ", innermost(e).strip().split("\\s*\\R\\s*"));
        return line.length() > max ? line.substring(0, max) + " ..." : line;
    }

    /** Every message of the chain, one per line (for searching them). */
    public static String all(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        for (int depth = 0; t != null && depth < MAX_DEPTH && sb.length() < 100_000; depth++) {
            sb.append(t.getMessage()).append('\n');
            t = t.getCause() == t ? null : t.getCause();
        }
        return sb.toString();
    }

    /**
     * The distinct messages of the first {@code depth} links, joined with ": " (a message that an
     * outer one already contains is left out); the exception's class name when none has one.
     */
    public static String chain(Throwable e, int depth) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        String last = null;
        for (int i = 0; t != null && i < depth; i++) {
            String msg = t.getMessage();
            if (msg != null && !msg.isBlank() && (last == null || !last.contains(msg))) {
                if (sb.length() > 0) {
                    sb.append(": ");
                }
                sb.append(msg.strip());
                last = msg;
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
    }
}
