package io.tributary.connectors.s3;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Lines of bytes with the byte position after each, so a reader can resume at a line start. A line
 * ends at {@code \n} ({@code \r\n} too); a line longer than the limit is consumed whole but only
 * its first bytes are kept, and it is flagged. With {@code quoted} records, a line break inside
 * double quotes (CSV's quoted fields; {@code ""} escapes a quote) continues the record: the lines
 * are joined with {@code \n}.
 */
final class LineReader {

    /** One line: its bytes (without the end of line), and where the next line starts. */
    record Line(byte[] bytes, long next, boolean tooLong) {}

    private final InputStream in;
    private final int maxLine;
    private final boolean quoted;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int len;
    private long position;

    LineReader(InputStream in, long startPosition, int maxLine) {
        this(in, startPosition, maxLine, false);
    }

    LineReader(InputStream in, long startPosition, int maxLine, boolean quoted) {
        this.in = in;
        this.position = startPosition;
        this.maxLine = maxLine;
        this.quoted = quoted;
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

    /** The next record: a line, or with quoted records the lines of one record; null at the end. */
    Line next() throws IOException {
        Line line = physical();
        if (!quoted || line == null || line.tooLong() || quotes(line.bytes()) % 2 == 0) {
            return line;
        }
        // a quote is open at the line break: the record goes on
        byte[] record = line.bytes();
        int open = quotes(record);
        while (open % 2 != 0) {
            Line more = physical();
            if (more == null) {
                break; // the file ends inside quotes: the record is what there is (a bad record)
            }
            int n = record.length + 1 + more.bytes().length;
            if (n > maxLine || more.tooLong()) {
                return new Line(
                        Arrays.copyOf(record, Math.min(record.length, maxLine)), more.next(), true);
            }
            byte[] joined = Arrays.copyOf(record, n);
            joined[record.length] = '\n';
            System.arraycopy(more.bytes(), 0, joined, record.length + 1, more.bytes().length);
            record = joined;
            open += quotes(more.bytes());
            line = more;
        }
        return new Line(record, line.next(), false);
    }

    private static int quotes(byte[] b) {
        int n = 0;
        for (byte x : b) {
            if (x == '"') {
                n++;
            }
        }
        return n;
    }

    /** The next physical line, or null at the end of the stream. */
    private Line physical() throws IOException {
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
