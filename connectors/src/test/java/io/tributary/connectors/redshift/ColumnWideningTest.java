package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.connectors.redshift.dialect.PostgresDialect;
import io.tributary.connectors.redshift.dialect.RedshiftDialect;
import io.tributary.connectors.redshift.internal.ColumnWidening;
import io.tributary.connectors.redshift.internal.ColumnWidening.TargetColumn;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.IntType;
import org.apache.flink.table.types.logical.VarCharType;
import org.junit.jupiter.api.Test;

class ColumnWideningTest {

    private final PostgresDialect pg = new PostgresDialect();
    private final RedshiftDialect rs = new RedshiftDialect();

    @Test
    void integersGrowAlongTheLattice() {
        assertThat(
                        ColumnWidening.widenedType(
                                pg, new TargetColumn("int4", 10, 0), new BigIntType()))
                .contains("bigint");
        assertThat(ColumnWidening.widenedType(pg, new TargetColumn("int2", 5, 0), new IntType()))
                .contains("integer");
        assertThat(ColumnWidening.widenedType(pg, new TargetColumn("int8", 19, 0), new IntType()))
                .as("a narrower sink type fits as it is")
                .isEmpty();
        assertThat(
                        ColumnWidening.widenedType(
                                pg, new TargetColumn("int8", 19, 0), new DoubleType()))
                .contains("double precision");
    }

    @Test
    void decimalsKeepEveryIntegerAndFractionDigit() {
        assertThat(
                        ColumnWidening.widenedType(
                                pg, new TargetColumn("numeric", 6, 2), new DecimalType(12, 4)))
                .contains("numeric(12,4)");
        assertThat(
                        ColumnWidening.widenedType(
                                pg, new TargetColumn("numeric", 10, 4), new DecimalType(8, 6)))
                .as("6 integer digits kept, 6 fraction digits added")
                .contains("numeric(12,6)");
        assertThat(
                        ColumnWidening.widenedType(
                                pg, new TargetColumn("numeric", 12, 2), new DecimalType(10, 2)))
                .isEmpty();
        assertThat(
                        ColumnWidening.widenedType(
                                pg, new TargetColumn("int4", 10, 0), new DecimalType(10, 2)))
                .contains("numeric(12,2)");
    }

    @Test
    void textGrowsByCharactersOnPostgresAndBytesOnRedshift() {
        assertThat(
                        ColumnWidening.widenedType(
                                pg,
                                new TargetColumn("varchar", 5, 0),
                                new VarCharType(VarCharType.MAX_LENGTH)))
                .contains("text");
        assertThat(
                        ColumnWidening.widenedType(
                                pg, new TargetColumn("varchar", 50, 0), new VarCharType(20)))
                .isEmpty();
        assertThat(
                        ColumnWidening.widenedType(
                                rs, new TargetColumn("varchar", 64, 0), new VarCharType(20)))
                .as("20 characters may take 80 bytes")
                .contains("VARCHAR(80)");
        assertThat(
                        ColumnWidening.widenedType(
                                pg,
                                new TargetColumn("text", Integer.MAX_VALUE, 0),
                                new VarCharType(20)))
                .isEmpty();
    }

    @Test
    void redshiftGrowsVarcharsInPlaceAndRefusesOtherTypeChanges() {
        TableId t = new TableId("analytics", "sales");
        assertThat(rs.alterColumnType(t, "note", "VARCHAR(400)"))
                .isEqualTo(
                        "ALTER TABLE \"analytics\".\"sales\" ALTER COLUMN \"note\" TYPE VARCHAR(400)");
        assertThatThrownBy(() -> rs.alterColumnType(t, "qty", "BIGINT"))
                .hasMessageContaining("only VARCHAR columns grow");
        assertThat(pg.alterColumnType(t, "qty", "bigint"))
                .isEqualTo("ALTER TABLE \"analytics\".\"sales\" ALTER COLUMN \"qty\" TYPE bigint");
    }
}
