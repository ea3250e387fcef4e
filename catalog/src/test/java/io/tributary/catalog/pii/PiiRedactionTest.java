package io.tributary.catalog.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PiiRedactionTest {

    @Test
    void aTaggedFieldIsRedactedWhateverItHoldsAndSoIsItsValueQuotedInTheReason() {
        PiiRedaction.Redacted r =
                PiiRedaction.redact(
                        "{\"id\": 7, \"email\": \"ada at example dot org\", \"amount\": \"n/a\"}",
                        "cannot read 'n/a' as DECIMAL in {\"email\": \"ada at example dot org\"}",
                        Map.of("email", "EMAIL"));
        assertThat(r.raw())
                .isEqualTo("{\"id\":7,\"email\":\"[EMAIL]\",\"amount\":\"n/a\"}")
                .doesNotContain("ada");
        assertThat(r.reason()).contains("n/a").contains("[EMAIL]").doesNotContain("ada");
    }

    @Test
    void whatIsNoJsonObjectIsMaskedByWhatItLooksLike() {
        PiiRedaction.Redacted csv =
                PiiRedaction.redact(
                        "7,ada@example.org,4111 1111 1111 1111,oops",
                        "4 fields, 3 expected: 7,ada@example.org,...",
                        Map.of("email", "EMAIL"));
        assertThat(csv.raw()).isEqualTo("7,[EMAIL],[CREDIT_CARD],oops");
        assertThat(csv.reason()).doesNotContain("ada@");
        PiiRedaction.Redacted broken =
                PiiRedaction.redact(
                        "{\"email\": \"ada@example.org\", \"id\": ",
                        null,
                        Map.of("email", "EMAIL"));
        assertThat(broken.raw()).isEqualTo("{\"email\": \"[EMAIL]\", \"id\": ");
        assertThat(broken.reason()).isNull();
    }

    @Test
    void tagsTravelInAnOptionAsJson() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("e-mail, work", "EMAIL");
        tags.put("a=b", "PHONE");
        assertThat(PiiRedaction.parse(PiiRedaction.format(tags))).isEqualTo(tags);
        assertThat(PiiRedaction.parse(null)).isEmpty();
        assertThat(PiiRedaction.parse(" ")).isEmpty();
        assertThatThrownBy(() -> PiiRedaction.parse("email=EMAIL"))
                .hasMessageContaining("JSON object");
    }
}
