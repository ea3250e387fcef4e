package io.tributary.objectstore;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet {@link InputFile} over ranged reads of an {@link ObjectStore}: reading a footer costs
 * one or two small GETs (the tail of the file), not a download.
 */
public final class RangeInputFile implements InputFile {

    private static final int CHUNK = 64 * 1024;

    private final ObjectStore store;
    private final ObjectInfo file;

    public RangeInputFile(ObjectStore store, ObjectInfo file) {
        this.store = store;
        this.file = file;
    }

    @Override
    public long getLength() {
        return file.size();
    }

    @Override
    public SeekableInputStream newStream() {
        return new SeekableInputStream() {
            private long pos;
            private long bufStart = -1;
            private byte[] buf = new byte[0];

            private void fill() throws IOException {
                if (pos >= bufStart && pos < bufStart + buf.length) {
                    return;
                }
                if (pos >= file.size()) {
                    throw new EOFException("End of " + file.key());
                }
                // read ahead towards the end, where the footer is
                long start = Math.max(0, Math.min(pos, file.size() - CHUNK));
                int len = (int) Math.min(CHUNK, file.size() - start);
                buf = store.read(file.key(), start, len);
                bufStart = start;
            }

            @Override
            public long getPos() {
                return pos;
            }

            @Override
            public void seek(long newPos) {
                pos = newPos;
            }

            @Override
            public int read() throws IOException {
                if (pos >= file.size()) {
                    return -1;
                }
                fill();
                return buf[(int) (pos++ - bufStart)] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= file.size()) {
                    return -1;
                }
                fill();
                int n = (int) Math.min(len, bufStart + buf.length - pos);
                System.arraycopy(buf, (int) (pos - bufStart), b, off, n);
                pos += n;
                return n;
            }

            @Override
            public void readFully(byte[] bytes) throws IOException {
                readFully(bytes, 0, bytes.length);
            }

            @Override
            public void readFully(byte[] bytes, int start, int len) throws IOException {
                int done = 0;
                while (done < len) {
                    int n = read(bytes, start + done, len - done);
                    if (n < 0) {
                        throw new EOFException("End of " + file.key());
                    }
                    done += n;
                }
            }

            @Override
            public int read(ByteBuffer dst) throws IOException {
                int len = dst.remaining();
                byte[] tmp = new byte[len];
                int n = read(tmp, 0, len);
                if (n > 0) {
                    dst.put(tmp, 0, n);
                }
                return n;
            }

            @Override
            public void readFully(ByteBuffer dst) throws IOException {
                byte[] tmp = new byte[dst.remaining()];
                readFully(tmp);
                dst.put(tmp);
            }
        };
    }
}
