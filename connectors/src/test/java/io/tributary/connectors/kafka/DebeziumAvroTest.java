package io.tributary.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.DataType;
import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.connectors.changes.RowShape;
import io.tributary.connectors.changes.SourceTable;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class DebeziumAvroTest {

    /** Debezium's MySQL source block, field by field. */
    static final List<String> MYSQL_SOURCE_FIELDS =
            List.of(
                    "version",
                    "connector",
                    "name",
                    "ts_ms",
                    "snapshot",
                    "db",
                    "sequence",
                    "table",
                    "server_id",
                    "gtid",
                    "file",
                    "pos",
                    "row",
                    "thread",
                    "query");

    static final RowShape SHAPE =
            new RowShape(
                    new SourceTable("shop", null, "orders"),
                    List.of(
                            new Column(
                                    "id",
                                    new DataType.Primitive(DataType.Kind.BIGINT, false),
                                    null,
                                    List.of()),
                            new Column(
                                    "amount", new DataType.Decimal(10, 2, true), null, List.of()),
                            new Column(
                                    "day",
                                    new DataType.Primitive(DataType.Kind.DATE, true),
                                    null,
                                    List.of()),
                            new Column(
                                    "at",
                                    new DataType.Primitive(DataType.Kind.TIMESTAMP, true),
                                    null,
                                    List.of()),
                            new Column(
                                    "note",
                                    new DataType.Primitive(DataType.Kind.STRING, true),
                                    null,
                                    List.of()),
                            new Column(
                                    "blob",
                                    new DataType.Primitive(DataType.Kind.BINARY, true),
                                    null,
                                    List.of())),
                    List.of("id"),
                    3);

    @Test
    void anUpdateSurvivesTheEnvelopeBothWays() throws Exception {
        Object[] before = {
            7L,
            new BigDecimal("12.50"),
            LocalDate.of(2024, 1, 2),
            LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6_000_000),
            "old",
            new byte[] {1, 2}
        };
        Object[] after = before.clone();
        after[4] = "new";
        after[1] = null;
        ChangeRecord r =
                new ChangeRecord(
                        ChangeOp.UPDATE, SHAPE, before, after, "mysql-bin.000001:42", 1700L, null);
        DebeziumAvro.Schemas s = DebeziumAvro.schemas(SHAPE, "t.shop.orders");
        GenericRecord value = DebeziumAvro.value(s, r, "t");
        GenericRecord key = DebeziumAvro.key(s, r);

        ChangeRecord back = DebeziumAvro.toChange(roundTrip(value), roundTrip(key).getSchema());

        assertThat(back.op()).isEqualTo(ChangeOp.UPDATE);
        assertThat(back.table()).isEqualTo(SHAPE.table());
        assertThat(back.before()).isEqualTo(before);
        assertThat(back.after()).isEqualTo(after);
        assertThat(back.key()).containsExactly(7L);
        assertThat(back.position()).isEqualTo("mysql-bin.000001:42");
        assertThat(back.commitMillis()).isEqualTo(1700L);
        assertThat(back.shape().sameColumns(SHAPE)).isTrue();
    }

    @Test
    void theSourceBlockHasDebeziumsFieldsAndTypes() throws Exception {
        Object[] row = {7L, null, null, null, "x", null};
        java.util.Map<String, Object> mysql = new java.util.LinkedHashMap<>();
        mysql.put("version", "1.9.8.Final");
        mysql.put("server_id", 1L);
        mysql.put("file", "mysql-bin.000003");
        mysql.put("pos", 1542L);
        mysql.put("row", 2);
        mysql.put("thread", 17L);
        mysql.put("gtid", "0-1-42");
        ChangeRecord r =
                new ChangeRecord(
                        ChangeOp.DELETE,
                        SHAPE,
                        row,
                        null,
                        "mysql-bin.000003:1542",
                        1700L,
                        null,
                        mysql);
        DebeziumAvro.Schemas s = DebeziumAvro.schemas(SHAPE, "t.shop.orders");
        GenericRecord source =
                (GenericRecord) roundTrip(DebeziumAvro.value(s, r, "t")).get("source");
        assertThat(source.getSchema().getFullName())
                .isEqualTo("io.debezium.connector.mysql.Source");
        assertThat(source.getSchema().getFields())
                .extracting(org.apache.avro.Schema.Field::name)
                .containsExactlyElementsOf(MYSQL_SOURCE_FIELDS);
        assertThat(source.get("file").toString()).isEqualTo("mysql-bin.000003");
        assertThat(source.get("pos")).isEqualTo(1542L);
        assertThat(source.get("row")).isEqualTo(2);
        assertThat(source.get("server_id")).isEqualTo(1L);
        assertThat(source.get("thread")).isEqualTo(17L);
        assertThat(source.get("gtid").toString()).isEqualTo("0-1-42");
        assertThat(source.get("connector").toString()).isEqualTo("mysql");
        assertThat(source.get("snapshot").toString()).isEqualTo("false");
        assertThat(source.get("ts_ms")).isEqualTo(1700L);

        RowShape pgShape =
                new RowShape(
                        new SourceTable("shop", "public", "orders"),
                        SHAPE.columns(),
                        SHAPE.key(),
                        1);
        ChangeRecord pg =
                new ChangeRecord(
                        ChangeOp.CREATE,
                        pgShape,
                        null,
                        row,
                        "lsn:23462544",
                        1800L,
                        null,
                        java.util.Map.of("lsn", 23462544L, "txId", 591L));
        GenericRecord pgSource =
                (GenericRecord)
                        roundTrip(DebeziumAvro.value(DebeziumAvro.schemas(pgShape, "t"), pg, "t"))
                                .get("source");
        assertThat(pgSource.getSchema().getFields())
                .extracting(org.apache.avro.Schema.Field::name)
                .containsExactly(
                        "version",
                        "connector",
                        "name",
                        "ts_ms",
                        "snapshot",
                        "db",
                        "sequence",
                        "schema",
                        "table",
                        "txId",
                        "lsn",
                        "xmin");
        assertThat(pgSource.get("lsn")).isEqualTo(23462544L);
        assertThat(pgSource.get("txId")).isEqualTo(591L);
        assertThat(pgSource.get("xmin")).isNull();
        assertThat(pgSource.get("schema").toString()).isEqualTo("public");

        // read back, the block is the change's again
        ChangeRecord back = DebeziumAvro.toChange(roundTrip(DebeziumAvro.value(s, r, "t")), null);
        assertThat(back.position()).isEqualTo("mysql-bin.000003:1542");
        assertThat(back.source()).containsEntry("pos", 1542L).containsEntry("row", 2);
    }

    @Test
    void aDecimalWithMoreDigitsThanItsScaleIsAnErrorNotARounding() {
        Object[] row = {1L, new BigDecimal("1.005"), null, null, null, null};
        ChangeRecord r = new ChangeRecord(ChangeOp.CREATE, SHAPE, null, row, "", 0L, null);
        DebeziumAvro.Schemas s = DebeziumAvro.schemas(SHAPE, "t");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DebeziumAvro.value(s, r, "t"))
                .isInstanceOf(ArithmeticException.class);
    }

    private static GenericRecord roundTrip(GenericRecord g) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(g.getSchema()).write(g, e);
        e.flush();
        return new GenericDatumReader<GenericRecord>(g.getSchema())
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }
}
