package io.tributary.jobs.runs;

/** The one-line reason a run failed to start, as the run history keeps it. */
final class PipelineTranslatorErrors {

    private PipelineTranslatorErrors() {}

    static String describe(Throwable e) {
        if (e instanceof io.tributary.jobs.definition.PipelineException) {
            // already one line, secrets masked; its causes are not
            return e.getMessage();
        }
        String message = e.getMessage();
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        String first = message == null ? e.toString() : message.lines().findFirst().orElse(message);
        return first.length() > 1000 ? first.substring(0, 1000) + " ..." : first;
    }
}
