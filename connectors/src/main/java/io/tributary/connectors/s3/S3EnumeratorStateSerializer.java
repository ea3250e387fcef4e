package io.tributary.connectors.s3;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Version 1 of the enumerator checkpoint. */
@Internal
public final class S3EnumeratorStateSerializer
        implements SimpleVersionedSerializer<S3EnumeratorState> {

    @Override
    public int getVersion() {
        return 1;
    }

    @Override
    public byte[] serialize(S3EnumeratorState s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeBoolean(s.highKey() != null);
            if (s.highKey() != null) {
                out.writeUTF(s.highKey());
            }
            out.writeLong(s.horizon());
            out.writeLong(s.lastFullListing());
            out.writeInt(s.recent().size());
            for (Map.Entry<String, Long> e : new TreeMap<>(s.recent()).entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeInt(s.pending().size());
            for (S3FileSplit split : s.pending()) {
                S3FileSplitSerializer.write(split, out);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public S3EnumeratorState deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1) {
            throw new IOException("Unknown S3 enumerator state version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            String high = in.readBoolean() ? in.readUTF() : null;
            long horizon = in.readLong();
            long last = in.readLong();
            Map<String, Long> recent = new TreeMap<>();
            for (int i = in.readInt(); i > 0; i--) {
                recent.put(in.readUTF(), in.readLong());
            }
            List<S3FileSplit> pending = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) {
                pending.add(S3FileSplitSerializer.read(in));
            }
            return new S3EnumeratorState(high, horizon, last, recent, pending);
        }
    }
}
