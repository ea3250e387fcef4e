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
                        java.util.List.of("order_id", "a \"quoted\" column"));
        assertThat(s.deserialize(s.getVersion(), s.serialize(c))).isEqualTo(c);
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
