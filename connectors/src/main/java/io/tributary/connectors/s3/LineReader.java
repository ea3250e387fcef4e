package io.tributary.connectors.s3;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Lines of bytes with the byte position after each, so a reader can resume at a line start. A line
 * ends at {@code \n} ({@code \r\n} too); a line longer than the limit is consumed whole but only
 * its first bytes are kept, and it is flagged.
 */
final class LineReader {

    /** One line: its bytes (without the end of line), and where the next line starts. */
    record Line(byte[] bytes, long next, boolean tooLong) {}

    private final InputStream in;
    private final int maxLine;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int len;
    private long position;

    LineReader(InputStream in, long startPosition, int maxLine) {
        this.in = in;
        this.position = startPosition;
        this.maxLine = maxLine;
    }

    long position() {
        return position;
    }

    /** Refills the buffer; false at the end of the stream. */
    private boolean fill() throws IOException {
        len = Math.max(0, in.read(buf));
        pos = 0;
        return len > 0;
    }

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        byte[] line = null;
        int n = 0;
        boolean tooLong = false;
        boolean any = false;
        while (true) {
            if (pos == len && !fill()) {
                if (!any) {
                    return null;
                }
                break;
            }
            any = true;
            // scan the buffer for the end of line, then copy the run in one go
            int end = pos;
            while (end < len && buf[end] != '\n') {
                end++;
            }
            int run = end - pos;
            int keep = Math.min(run, maxLine - n);
            if (keep > 0) {
                if (line == null) {
                    line = new byte[Math.max(keep, 128)];
                } else if (n + keep > line.length) {
                    line =
                            Arrays.copyOf(
                                    line, Math.min(maxLine, Math.max(n + keep, line.length * 2)));
                }
                System.arraycopy(buf, pos, line, n, keep);
                n += keep;
            }
            if (keep < run) {
                tooLong = true;
            }
            position += run;
            pos = end;
            if (end < len) {
                pos++; // the newline
                position++;
                break;
            }
        }
        if (!tooLong && n > 0 && line[n - 1] == '\r') {
            n--;
        }
        byte[] bytes =
                line == null ? new byte[0] : line.length == n ? line : Arrays.copyOf(line, n);
        return new Line(bytes, position, tooLong);
    }

    /**
     * Skips to just after the next {@code \n} (a split starting mid-line leaves it to the last).
     */
    void skipToLineStart() throws IOException {
        while (true) {
            if (pos == len && !fill()) {
                return;
            }
            position++;
            if (buf[pos++] == '\n') {
                return;
            }
        }
    }
}
