package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SerializersTest {

    @Test
    void committableRoundTrips() throws Exception {
        RedshiftCommittableSerializer s = new RedshiftCommittableSerializer();
        RedshiftCommittable c =
                new RedshiftCommittable(
                        "00ff00ff00ff00ff00ff00ff00ff00ff",
                        "analytics.sales \"quoted\"",
                        3,
                        42L,
                        "\"analytics\".\"tstg_00ff_1\"",
                        1_000_000L,
                        java.util.List.of("order_id", "a \"quoted\" column"),
                        1_796_000_000_123L,
                        new io.tributary.connectors.redshift.dialect.StagedShape(3, 2, true));
        assertThat(s.deserialize(s.getVersion(), s.serialize(c))).isEqualTo(c);
    }

    @Test
    void aVersion1CommittableFromAnOlderCheckpointIsReadWithoutAnEventTime() throws Exception {
        // what version 1 wrote: the same fields, no event time at the end
        org.apache.flink.core.memory.DataOutputSerializer out =
                new org.apache.flink.core.memory.DataOutputSerializer(64);
        out.writeUTF("00ff");
        out.writeUTF("analytics.sales");
        out.writeInt(1);
        out.writeLong(7L);
        out.writeUTF("\"analytics\".\"tstg\"");
        out.writeLong(12L);
        out.writeInt(1);
        out.writeUTF("order_id");
        RedshiftCommittable c =
                new RedshiftCommittableSerializer().deserialize(1, out.getCopyOfBuffer());
        assertThat(c)
                .isEqualTo(
                        new RedshiftCommittable(
                                "00ff",
                                "analytics.sales",
                                1,
                                7L,
                                "\"analytics\".\"tstg\"",
                                12L,
                                java.util.List.of("order_id")));
        assertThat(c.newestEventTime()).isEqualTo(RedshiftCommittable.NO_EVENT_TIME);
        // nor a shape: every statement of the commit runs
        assertThat(c.shape())
                .isEqualTo(io.tributary.connectors.redshift.dialect.StagedShape.UNKNOWN);
    }

    @Test
    void committableOfAnUnknownVersionIsRefused() {
        assertThatThrownBy(() -> new RedshiftCommittableSerializer().deserialize(99, new byte[0]))
                .hasMessageContaining("version 99");
    }

    @Test
    void writerStateRoundTrips() throws Exception {
        RedshiftWriterStateSerializer s = new RedshiftWriterStateSerializer();
        assertThat(s.deserialize(s.getVersion(), s.serialize(new RedshiftWriterState(17))))
                .isEqualTo(new RedshiftWriterState(17));
    }
}
