package io.tributary.jobs.cli;

/** Turns an exception chain into one line a user can act on, without a stack trace. */
final class Errors {

    private Errors() {}

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        String last = null;
        int depth = 0;
        while (t != null && depth++ < 6) {
            String msg = t.getMessage();
            if (msg != null && !msg.isBlank() && (last == null || !last.contains(msg))) {
                if (sb.length() > 0) {
                    sb.append(": ");
                }
                sb.append(msg.strip());
                last = msg;
            }
            t = t.getCause();
        }
        if (sb.length() == 0) {
            sb.append(e.getClass().getSimpleName());
        }
        return sb + " (full log in $TRIBUTARY_HOME/logs)";
    }
}
