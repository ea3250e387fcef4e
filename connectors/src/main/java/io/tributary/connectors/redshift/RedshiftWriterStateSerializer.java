package io.tributary.connectors.redshift;

import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Versioned serializer of {@link RedshiftWriterState}. */
public final class RedshiftWriterStateSerializer
        implements SimpleVersionedSerializer<RedshiftWriterState> {

    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RedshiftWriterState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(8);
        out.writeLong(state.checkpointId());
        return out.getCopyOfBuffer();
    }

    @Override
    public RedshiftWriterState deserialize(int version, byte[] bytes) throws IOException {
        if (version != VERSION) {
            throw new IOException("Unknown RedshiftWriterState version " + version);
        }
        return new RedshiftWriterState(new DataInputDeserializer(bytes).readLong());
    }
}
