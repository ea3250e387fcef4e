package io.tributary.catalog.model;

import static io.tributary.catalog.model.TypeWidening.widen;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.model.DataType.ArrayOf;
import io.tributary.catalog.model.DataType.Decimal;
import io.tributary.catalog.model.DataType.Field;
import io.tributary.catalog.model.DataType.Kind;
import io.tributary.catalog.model.DataType.MapOf;
import io.tributary.catalog.model.DataType.Primitive;
import io.tributary.catalog.model.DataType.Struct;
import java.util.List;
import org.junit.jupiter.api.Test;

class TypeWideningTest {

    static final DataType INT = DataType.of(Kind.INT);
    static final DataType BIGINT = DataType.of(Kind.BIGINT);
    static final DataType DOUBLE = DataType.of(Kind.DOUBLE);
    static final DataType STRING = DataType.of(Kind.STRING);

    @Test
    void numbersClimbTheChainIntBigintDoubleDecimalString() {
        assertThat(widen(INT, BIGINT)).isEqualTo(BIGINT);
        assertThat(widen(BIGINT, INT)).as("order does not matter").isEqualTo(BIGINT);
        assertThat(widen(INT, DOUBLE)).isEqualTo(DOUBLE);
        assertThat(widen(DOUBLE, new Decimal(10, 2, false))).isEqualTo(new Decimal(10, 2, false));
        assertThat(widen(INT, STRING)).as("int/string conflict").isEqualTo(STRING);
        assertThat(widen(DataType.of(Kind.BOOLEAN), INT)).isEqualTo(STRING);
    }

    @Test
    void decimalsKeepEveryIntegerAndFractionDigit() {
        assertThat(widen(new Decimal(5, 2, false), new Decimal(10, 4, false)))
                .isEqualTo(new Decimal(10, 4, false));
        assertThat(widen(new Decimal(6, 1, false), new Decimal(4, 3, false)))
                .as("5 integer digits and 3 decimals")
                .isEqualTo(new Decimal(8, 3, false));
        assertThat(widen(BIGINT, new Decimal(5, 2, false))).isEqualTo(new Decimal(21, 2, false));
        assertThat(widen(new Decimal(38, 0, false), new Decimal(10, 10, false)))
                .as("beyond 38 digits only a string holds both")
                .isEqualTo(STRING);
    }

    @Test
    void anythingWithNullIsNullable() {
        assertThat(widen(Primitive.NULL, INT)).isEqualTo(new Primitive(Kind.INT, true));
        assertThat(widen(INT, new Primitive(Kind.INT, true)))
                .isEqualTo(new Primitive(Kind.INT, true));
        assertThat(TypeWidening.widenAll(List.of(Primitive.NULL, Primitive.NULL)).sql())
                .isEqualTo("null");
    }

    @Test
    void fieldsThatAppearLaterJoinTheStructAsNullable() {
        DataType early =
                new Struct(List.of(new Field("id", BIGINT), new Field("price", INT)), false);
        DataType later =
                new Struct(
                        List.of(
                                new Field("id", BIGINT),
                                new Field("price", DOUBLE),
                                new Field("coupon", STRING)),
                        false);
        assertThat(widen(early, later))
                .isEqualTo(
                        new Struct(
                                List.of(
                                        new Field("id", BIGINT),
                                        new Field("price", DOUBLE),
                                        new Field("coupon", new Primitive(Kind.STRING, true))),
                                false));
        assertThat(widen(early, later).sql())
                .isEqualTo("struct<id:bigint,price:double,coupon:string>");
    }

    @Test
    void arraysMapsAndDatesWidenTheirParts() {
        assertThat(widen(new ArrayOf(INT, false), new ArrayOf(DOUBLE, false)))
                .isEqualTo(new ArrayOf(DOUBLE, false));
        assertThat(widen(new MapOf(STRING, INT, false), new MapOf(STRING, BIGINT, true)))
                .isEqualTo(new MapOf(STRING, BIGINT, true));
        assertThat(widen(DataType.of(Kind.DATE), DataType.of(Kind.TIMESTAMP)))
                .isEqualTo(DataType.of(Kind.TIMESTAMP));
        assertThat(widen(new ArrayOf(INT, false), INT)).isEqualTo(STRING);
    }
}
