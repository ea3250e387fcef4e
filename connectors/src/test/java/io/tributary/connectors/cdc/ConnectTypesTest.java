package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.flink.cdc.connectors.shaded.org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

class ConnectTypesTest {

    /**
     * Every timestamp encoding Debezium gives a change becomes the same UTC wall-clock time that
     * {@link LocalDateTime#ofInstant} gives, for instants of every era and sign: the converters
     * compute it from the epoch second directly, without asking UTC for its zone rules.
     */
    /**
     * A MySQL TIME is a duration (-838:59:59 to 838:59:59): inside a day it reads as a time of day
     * does, outside one as MySQL writes it, instead of failing the reader.
     */
    @Test
    void timesOutsideADayReadAsMySqlWritesThem() {
        long second = 1_000_000_000L;
        assertThat(ConnectTypes.time(0)).isEqualTo("00:00");
        assertThat(ConnectTypes.time((12 * 3600 + 34 * 60 + 56) * second + 789_000_000L))
                .isEqualTo("12:34:56.789");
        assertThat(ConnectTypes.time(-(838 * 3600 + 59 * 60 + 59) * second))
                .isEqualTo("-838:59:59");
        assertThat(ConnectTypes.time(24 * 3600 * second)).isEqualTo("24:00:00");
        assertThat(ConnectTypes.time(-second / 2)).isEqualTo("-00:00:00.500");
        assertThat(ConnectTypes.time(100 * 3600 * second + 1_000L)).isEqualTo("100:00:00.000001");
    }

    @Test
    void everyTimestampEncodingIsItsInstantInUtc() {
        var millis =
                ConnectTypes.converter(SchemaBuilder.int64().name("io.debezium.time.Timestamp"));
        var micros =
                ConnectTypes.converter(
                        SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp"));
        var nanos =
                ConnectTypes.converter(
                        SchemaBuilder.int64().name("io.debezium.time.NanoTimestamp"));
        var zoned =
                ConnectTypes.converter(
                        SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp"));
        var connect = ConnectTypes.converter(Timestamp.builder());
        Random random = new Random(20261206);
        long[] edges = {0, -1, 1, -62_135_596_800_000L, 253_402_300_799_999L, 86_399_999L};
        for (int i = 0; i < 20_000; i++) {
            long ms =
                    i < edges.length
                            ? edges[i]
                            : random.nextLong(-62_135_596_800_000L, 253_402_300_799_999L);
            int subMilliMicros = i % 3 == 0 ? 0 : random.nextInt(1000);
            Instant at = Instant.ofEpochMilli(ms);
            LocalDateTime expected = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
            assertThat(millis.apply(ms)).as("millis %d", ms).isEqualTo(expected);
            assertThat(connect.apply(new java.util.Date(ms))).isEqualTo(expected);
            long us = Math.multiplyExact(ms, 1000L) + subMilliMicros;
            assertThat(micros.apply(us))
                    .as("micros %d", us)
                    .isEqualTo(expected.plusNanos(subMilliMicros * 1000L));
            if (Math.abs(ms) < 9_000_000_000_000L) { // nanoseconds since the epoch fit a long
                assertThat(nanos.apply(ms * 1_000_000L + 7)).isEqualTo(expected.plusNanos(7));
            }
            assertThat(zoned.apply(at.atOffset(ZoneOffset.ofHours(-7)).toString()))
                    .as("zoned %s", at)
                    .isEqualTo(expected);
        }
    }
}
