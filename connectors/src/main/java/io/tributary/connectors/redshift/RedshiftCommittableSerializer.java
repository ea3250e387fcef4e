package io.tributary.connectors.redshift;

import io.tributary.connectors.redshift.dialect.StagedShape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Versioned serializer of {@link RedshiftCommittable}: what checkpoints hold between commits. */
public final class RedshiftCommittableSerializer
        implements SimpleVersionedSerializer<RedshiftCommittable> {

    /**
     * 2 added the newest event time, 3 the rows' shape; versions 1 and 2 are still read (as
     * unknown).
     */
    private static final int VERSION = 3;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(RedshiftCommittable c) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeUTF(c.jobId());
        out.writeUTF(c.sinkName());
        out.writeInt(c.subtask());
        out.writeLong(c.checkpointId());
        out.writeUTF(c.stagedLocation());
        out.writeLong(c.rows());
        out.writeInt(c.columns().size());
        for (String column : c.columns()) {
            out.writeUTF(column);
        }
        out.writeLong(c.newestEventTime());
        out.writeLong(c.shape().deletes());
        out.writeLong(c.shape().dimensionChanges());
        out.writeBoolean(c.shape().keysDistinct());
        return out.getCopyOfBuffer();
    }

    @Override
    public RedshiftCommittable deserialize(int version, byte[] bytes) throws IOException {
        if (version < 1 || version > VERSION) {
            throw new IOException(
                    "Unknown RedshiftCommittable version "
                            + version
                            + " (this build reads "
                            + VERSION
                            + ")");
        }
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        String jobId = in.readUTF();
        String sinkName = in.readUTF();
        int subtask = in.readInt();
        long checkpointId = in.readLong();
        String location = in.readUTF();
        long rows = in.readLong();
        int n = in.readInt();
        List<String> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            columns.add(in.readUTF());
        }
        long newestEventTime = version >= 2 ? in.readLong() : RedshiftCommittable.NO_EVENT_TIME;
        StagedShape shape =
                version >= 3
                        ? new StagedShape(in.readLong(), in.readLong(), in.readBoolean())
                        : StagedShape.UNKNOWN;
        return new RedshiftCommittable(
                jobId,
                sinkName,
                subtask,
                checkpointId,
                location,
                rows,
                columns,
                newestEventTime,
                shape);
    }
}
