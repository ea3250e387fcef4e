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

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        byte[] line = new byte[256];
        int n = 0;
        boolean tooLong = false;
        boolean any = false;
        while (true) {
            if (pos == len) {
                len = in.read(buf);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    if (!any) {
                        return null;
                    }
                    break;
                }
            }
            any = true;
            byte b = buf[pos++];
            position++;
            if (b == '\n') {
                break;
            }
            if (n < maxLine) {
                if (n == line.length) {
                    line = Arrays.copyOf(line, Math.min(maxLine, line.length * 2));
                }
                line[n++] = b;
            } else {
                tooLong = true;
            }
        }
        if (!tooLong && n > 0 && line[n - 1] == '\r') {
            n--;
        }
        return new Line(Arrays.copyOf(line, n), position, tooLong);
    }

    /**
     * Skips to just after the next {@code \n} (a split starting mid-line leaves it to the last).
     */
    void skipToLineStart() throws IOException {
        while (true) {
            if (pos == len) {
                len = in.read(buf);
                pos = 0;
                if (len <= 0) {
                    len = 0;
                    return;
                }
            }
            position++;
            if (buf[pos++] == '\n') {
                return;
            }
        }
    }
}
