package io.tributary.connectors.s3;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Version 1: key, size, modified, start, end, offset, lines read. */
@Internal
public final class S3FileSplitSerializer implements SimpleVersionedSerializer<S3FileSplit> {

    public static final S3FileSplitSerializer INSTANCE = new S3FileSplitSerializer();

    @Override
    public int getVersion() {
        return 1;
    }

    @Override
    public byte[] serialize(S3FileSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(split, out);
        }
        return bytes.toByteArray();
    }

    static void write(S3FileSplit s, DataOutputStream out) throws IOException {
        out.writeUTF(s.key());
        out.writeLong(s.size());
        out.writeLong(s.modified());
        out.writeLong(s.start());
        out.writeLong(s.end());
        out.writeLong(s.offset());
        out.writeLong(s.linesRead());
    }

    static S3FileSplit read(DataInputStream in) throws IOException {
        return new S3FileSplit(
                in.readUTF(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong());
    }

    @Override
    public S3FileSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1) {
            throw new IOException("Unknown S3 split version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(in);
        }
    }
}
