package io.tributary.catalog.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.model.DataType.Field;
import io.tributary.catalog.model.DataType.Kind;
import io.tributary.catalog.registry.AvroCompatibility;
import io.tributary.catalog.registry.CompatibilityLevel;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class AvroTypesTest {

    static final DataType.Struct ROW =
            new DataType.Struct(
                    List.of(
                            new Field("id", DataType.of(Kind.BIGINT)),
                            new Field("price", new DataType.Decimal(12, 2, true)),
                            new Field("1st \"name\"; DROP", DataType.of(Kind.STRING)),
                            new Field("naïve", DataType.of(Kind.DATE).withNullable(true)),
                            new Field("at", DataType.of(Kind.TIMESTAMP)),
                            new Field(
                                    "tags",
                                    new DataType.ArrayOf(
                                            DataType.of(Kind.STRING).withNullable(true), true)),
                            new Field(
                                    "attrs",
                                    new DataType.MapOf(
                                            DataType.of(Kind.STRING),
                                            DataType.of(Kind.INT),
                                            false)),
                            new Field(
                                    "user",
                                    new DataType.Struct(
                                            List.of(new Field("a b", DataType.of(Kind.BOOLEAN))),
                                            true))),
                    false);

    @Test
    void everyTypeAndEveryNameSurvivesTheRoundTrip() {
        Schema avro = AvroTypes.toAvro(ROW, "retail db", "sales-2024");
        Schema reparsed = new Schema.Parser().parse(avro.toString());
        assertThat(reparsed.getFullName()).isEqualTo("retail_db.sales_2024");
        assertThat(reparsed.getField("_1st__name___DROP").getProp(AvroTypes.ORIGINAL_NAME))
                .isEqualTo("1st \"name\"; DROP");
        assertThat(AvroTypes.fromAvro(reparsed)).isEqualTo(ROW);
    }

    @Test
    void aNullableColumnAddedLaterIsBackwardCompatibleAndANarrowingIsNot() {
        Schema v1 = AvroTypes.toAvro(ROW, "db", "t");
        List<Field> more = new java.util.ArrayList<>(ROW.fields());
        more.add(new Field("coupon", DataType.of(Kind.STRING).withNullable(true)));
        Schema v2 = AvroTypes.toAvro(new DataType.Struct(more, false), "db", "t");
        assertThat(AvroCompatibility.check(v2, List.of(v1), CompatibilityLevel.BACKWARD)).isEmpty();

        List<Field> narrowed = new java.util.ArrayList<>(ROW.fields());
        narrowed.set(0, new Field("id", DataType.of(Kind.INT)));
        Schema v3 = AvroTypes.toAvro(new DataType.Struct(narrowed, false), "db", "t");
        assertThat(AvroCompatibility.check(v3, List.of(v1), CompatibilityLevel.BACKWARD))
                .singleElement()
                .asString()
                .contains("id");
    }
}
