package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chunk reader's own reading of DATETIME text agrees with the JDK's. */
class SnapshotChunkReaderTest {

    @Test
    void readsDatetimeTextAsTheJdkDoes() {
        for (String text :
                List.of(
                        "2024-01-01 00:00:00",
                        "2024-01-01 00:00:00.000",
                        "1999-12-31 23:59:59.999",
                        "2026-12-03 10:15:00.123456",
                        "2026-12-03 10:15:00.1",
                        "1000-01-01 00:00:00",
                        "9999-12-31 23:59:59.999999",
                        "2024-02-29 12:00:00.5")) {
            assertThat(SnapshotChunkReader.datetime(text))
                    .as(text)
                    .isEqualTo(Timestamp.valueOf(text).toLocalDateTime());
            assertThat(SnapshotChunkReader.nonZeroDate(text)).as(text).isTrue();
        }
    }

    @Test
    void leavesOtherTextToTheDriverAndZeroDatesToDebezium() {
        for (String text :
                List.of(
                        "2024-01-01",
                        "2024-01-01T00:00:00",
                        "2024-02-30 00:00:00",
                        "2024-13-01 00:00:00",
                        "2024-01-01 24:00:00",
                        "2024-01-01 00:00:00.",
                        "2024-01-01 00:00:00.1234567890",
                        "0000-00-00 00:00:00")) {
            assertThat(SnapshotChunkReader.datetime(text)).as(text).isNull();
        }
        assertThat(SnapshotChunkReader.nonZeroDate("0000-00-00 00:00:00")).isFalse();
        assertThat(SnapshotChunkReader.nonZeroDate("2024-00-10 00:00:00")).isFalse();
        assertThat(SnapshotChunkReader.nonZeroDate("2024-10-00")).isFalse();
        assertThat(SnapshotChunkReader.nonZeroDate("24-10-01")).isFalse();
    }
}
