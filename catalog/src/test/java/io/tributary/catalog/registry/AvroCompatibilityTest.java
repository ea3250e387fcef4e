package io.tributary.catalog.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class AvroCompatibilityTest {

    static Schema record(String fields) {
        return new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"Sale\",\"fields\":[" + fields + "]}");
    }

    static final Schema V1 = record("{\"name\":\"id\",\"type\":\"long\"}");
    static final Schema V2_OPTIONAL_EMAIL =
            record(
                    "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null}");
    static final Schema V2_REQUIRED_EMAIL =
            record("{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"email\",\"type\":\"string\"}");
    static final Schema NO_ID =
            record("{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null}");

    @Test
    void backwardAcceptsAnOptionalFieldAndRefusesARequiredOneNamingIt() {
        assertThat(
                        AvroCompatibility.check(
                                V2_OPTIONAL_EMAIL, List.of(V1), CompatibilityLevel.BACKWARD))
                .isEmpty();
        assertThat(
                        AvroCompatibility.check(
                                V2_REQUIRED_EMAIL, List.of(V1), CompatibilityLevel.BACKWARD))
                .singleElement()
                .asString()
                .contains("BACKWARD")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                .contains("field email");
    }

    @Test
    void forwardRefusesDroppingAFieldTheOldReaderNeeds() {
        assertThat(AvroCompatibility.check(NO_ID, List.of(V1), CompatibilityLevel.FORWARD))
                .isNotEmpty()
                .allMatch(m -> m.contains("FORWARD") && m.contains("field id"));
        assertThat(
                        AvroCompatibility.check(
                                V2_REQUIRED_EMAIL, List.of(V1), CompatibilityLevel.FORWARD))
                .isEmpty();
    }

    @Test
    void fullNeedsBothDirections() {
        assertThat(AvroCompatibility.check(V2_OPTIONAL_EMAIL, List.of(V1), CompatibilityLevel.FULL))
                .isEmpty();
        assertThat(AvroCompatibility.check(V2_REQUIRED_EMAIL, List.of(V1), CompatibilityLevel.FULL))
                .isNotEmpty();
    }

    @Test
    void transitiveLevelsCheckEveryVersionNotOnlyTheLatest() {
        // v1 has a required 'id'; v2 dropped it; v3 (without 'id') is BACKWARD-compatible with v2
        // only
        Schema v3 =
                record(
                        "{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"n\",\"type\":\"int\",\"default\":0}");
        assertThat(AvroCompatibility.check(v3, List.of(V1, NO_ID), CompatibilityLevel.FORWARD))
                .isEmpty();
        assertThat(
                        AvroCompatibility.check(
                                v3, List.of(V1, NO_ID), CompatibilityLevel.FORWARD_TRANSITIVE))
                .isNotEmpty()
                .allMatch(m -> m.contains("field id"));
    }

    @Test
    void noneAcceptsAnything() {
        assertThat(AvroCompatibility.check(NO_ID, List.of(V1), CompatibilityLevel.NONE)).isEmpty();
    }
}
