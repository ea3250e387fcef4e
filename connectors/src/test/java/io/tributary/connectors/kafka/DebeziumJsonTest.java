package io.tributary.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Debezium JSON as Kafka Connect's JsonConverter writes it (Debezium's MySQL connector, schemas on;
 * its PostgreSQL connector, schemas off) read back as change records.
 */
class DebeziumJsonTest {

    private static final String ROW_SCHEMA =
            """
            {"type":"struct","optional":true,"name":"dbz.shop.customers.Value","field":"%s",
             "fields":[
              {"type":"int32","optional":false,"field":"id"},
              {"type":"string","optional":false,"field":"name"},
              {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal",
               "version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"},
               "field":"credit"},
              {"type":"int32","optional":true,"name":"io.debezium.time.Date","version":1,
               "field":"since"},
              {"type":"int64","optional":true,"name":"io.debezium.time.Timestamp","version":1,
               "field":"seen_at"}]}
            """;

    private static final String MYSQL_UPDATE =
            """
            {"schema":{"type":"struct","optional":false,"name":"dbz.shop.customers.Envelope",
              "fields":[%s,%s,
               {"type":"struct","optional":false,"name":"io.debezium.connector.mysql.Source",
                "field":"source","fields":[]},
               {"type":"string","optional":false,"field":"op"},
               {"type":"int64","optional":true,"field":"ts_ms"}]},
             "payload":{
              "before":{"id":1,"name":"Ada","credit":"BOI=","since":19724,"seen_at":1704164645000},
              "after":{"id":1,"name":"Ada L.","credit":"BRQ=","since":19724,"seen_at":null},
              "source":{"version":"2.7.3.Final","connector":"mysql","name":"dbz",
                "ts_ms":1704164646000,"snapshot":"false","db":"shop","table":"customers",
                "server_id":1,"file":"mysql-bin.000003","pos":4711,"row":0},
              "op":"u","ts_ms":1704164646123}}
            """
                    .formatted(ROW_SCHEMA.formatted("before"), ROW_SCHEMA.formatted("after"));

    private static final String MYSQL_KEY =
            """
            {"schema":{"type":"struct","optional":false,"name":"dbz.shop.customers.Key",
              "fields":[{"type":"int32","optional":false,"field":"id"}]},
             "payload":{"id":1}}
            """;

    private static List<ChangeRecord> read(String key, String value) throws Exception {
        ChangeRecordKafkaDeserializer d =
                new ChangeRecordKafkaDeserializer(ChangeFormat.JSON, null);
        List<ChangeRecord> out = new ArrayList<>();
        d.deserialize(
                new ConsumerRecord<>(
                        "dbz.shop.customers",
                        0,
                        42L,
                        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        value == null ? null : value.getBytes(StandardCharsets.UTF_8)),
                new ListCollector<>(out));
        return out;
    }

    @Test
    void mysqlEnvelopeWithSchemaBlockKeepsDecimalsDatesAndTimestamps() throws Exception {
        List<ChangeRecord> out = read(MYSQL_KEY, MYSQL_UPDATE);
        assertThat(out).hasSize(1);
        ChangeRecord u = out.get(0);
        assertThat(u.op()).isEqualTo(ChangeOp.UPDATE);
        assertThat(u.table().qualified()).isEqualTo("shop.customers");
        assertThat(u.shape().columns())
                .extracting(c -> c.name() + " " + c.type().sql())
                .containsExactly(
                        "id int",
                        "name string",
                        "credit decimal(10,2)",
                        "since date",
                        "seen_at timestamp");
        assertThat(u.before())
                .containsExactly(
                        1,
                        "Ada",
                        new BigDecimal("12.50"),
                        LocalDate.of(2024, 1, 2),
                        LocalDateTime.of(2024, 1, 2, 3, 4, 5));
        assertThat(u.after())
                .containsExactly(
                        1, "Ada L.", new BigDecimal("13.00"), LocalDate.of(2024, 1, 2), null);
        assertThat(u.key()).containsExactly(1);
        assertThat(u.position()).isEqualTo("mysql-bin.000003:4711");
        assertThat(u.commitMillis()).isEqualTo(1704164646000L);
    }

    @Test
    void postgresEnvelopeWithoutSchemaIsTypedFromItsValues() throws Exception {
        String delete =
                """
                {"before":{"id":7,"name":"Grace","score":2.5},"after":null,
                 "source":{"connector":"postgresql","db":"crm","schema":"public",
                   "table":"customers","lsn":24023128,"ts_ms":1704164646000},
                 "op":"d","ts_ms":1704164646200}
                """;
        List<ChangeRecord> out = read("{\"id\":7}", delete);
        ChangeRecord d = out.get(0);
        assertThat(d.op()).isEqualTo(ChangeOp.DELETE);
        assertThat(d.table().qualified()).isEqualTo("public.customers");
        assertThat(d.before()).containsExactly(7L, "Grace", 2.5);
        assertThat(d.after()).isNull();
        assertThat(d.key()).containsExactly(7L);
        assertThat(d.position()).isEqualTo("lsn:24023128");
    }

    @Test
    void tombstonesAreSkippedAndGarbageNamesTheOffset() throws Exception {
        assertThat(read("{\"id\":7}", null)).isEmpty();
        assertThatThrownBy(() -> read(null, "{not json"))
                .hasMessageContaining("dbz.shop.customers/0@42");
    }
}
