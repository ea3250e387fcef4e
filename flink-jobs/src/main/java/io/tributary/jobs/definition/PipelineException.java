package io.tributary.jobs.definition;

/**
 * A pipeline file that cannot run, with where it went wrong: {@code file:line: key: what}, so an
 * editor or a reader goes straight to the line.
 */
public final class PipelineException extends RuntimeException {

    private final String file;
    private final int line;
    private final String key;

    public PipelineException(String file, int line, String key, String message) {
        this(file, line, key, message, null);
    }

    public PipelineException(String file, int line, String key, String message, Throwable cause) {
        super(format(file, line, key, message), cause);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    public PipelineException(Position at, String message) {
        this(at.file(), at.line(), at.key(), message, null);
    }

    public PipelineException(Position at, String message, Throwable cause) {
        this(at.file(), at.line(), at.key(), message, cause);
    }

    private static String format(String file, int line, String key, String message) {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (key != null && !key.isEmpty()) {
            sb.append(key).append(": ");
        }
        return sb.append(message).toString();
    }

    public String file() {
        return file;
    }

    /** 1-based line in the file; 0 when the problem is the file as a whole. */
    public int line() {
        return line;
    }

    /** The key's path in the file, e.g. {@code sources[1].type}. */
    public String key() {
        return key;
    }
}
