package io.tributary.catalog.pii;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.pii.PiiDetector.PiiType;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PiiDetectorTest {

    @Test
    void classifiesWholeValuesOfEachKindWithTheirCheckDigits() {
        assertThat(PiiDetector.classify("ada@example.co.uk")).contains(PiiType.EMAIL);
        // test numbers of the card networks, with and without separators
        assertThat(PiiDetector.classify("4111 1111 1111 1111")).contains(PiiType.CREDIT_CARD);
        assertThat(PiiDetector.classify("5555-5555-5555-4444")).contains(PiiType.CREDIT_CARD);
        assertThat(PiiDetector.classify("378282246310005")).contains(PiiType.CREDIT_CARD);
        assertThat(PiiDetector.classify("4111111111111112"))
                .isNotEqualTo(Optional.of(PiiType.CREDIT_CARD));
        // the examples of ISO 13616 / the ECBS register
        assertThat(PiiDetector.classify("GB82 WEST 1234 5698 7654 32")).contains(PiiType.IBAN);
        assertThat(PiiDetector.classify("DE89370400440532013000")).contains(PiiType.IBAN);
        assertThat(PiiDetector.classify("DE89370400440532013001")).isEmpty();
        assertThat(PiiDetector.classify("078-05-1120")).contains(PiiType.US_SSN);
        assertThat(PiiDetector.classify("000-12-3456")).isEmpty();
        assertThat(PiiDetector.classify("666-12-3456")).isEmpty();
        assertThat(PiiDetector.classify("192.168.10.254")).contains(PiiType.IP_ADDRESS);
        assertThat(PiiDetector.classify("2001:db8::8a2e:370:7334")).contains(PiiType.IP_ADDRESS);
        assertThat(PiiDetector.classify("256.1.1.1")).isEmpty();
        assertThat(PiiDetector.classify("+44 20 7946 0958")).contains(PiiType.PHONE);
        assertThat(PiiDetector.classify("(555) 123-4567")).contains(PiiType.PHONE);
        assertThat(PiiDetector.classify("555-123-4567")).contains(PiiType.PHONE);
    }

    @Test
    void ordinaryValuesAreNotPersonalData() {
        for (String v :
                new String[] {
                    "990004",
                    "4.50",
                    "2026-11-24",
                    "2026-11-24T08:00:00",
                    "08:00:00.123",
                    "espresso-machine",
                    "DE",
                    "Customer 17",
                    "12345678901234567890",
                    "1.2.3",
                    "v1.20.3",
                    "a:b:c",
                    "order 42 of 2026-11-24 12:00:00.0",
                    // epoch milliseconds whose last digit happens to pass the Luhn check
                    "1796421281504"
                }) {
            assertThat(PiiDetector.classify(v)).as(v).isEmpty();
            assertThat(PiiDetector.mask(v)).as(v).isEqualTo(v);
        }
    }

    @Test
    void masksEveryOneFoundInsideAText() {
        String line =
                "{\"order_id\":990004,\"email\":\"ada@example.com\",\"card\":\"4111-1111-1111-1111\","
                        + "\"ip\":\"10.0.0.7\",\"phone\":\"+1 415 555 2671\",\"ssn\":\"078-05-1120\","
                        + "\"iban\":\"DE89 3704 0044 0532 0130 00\",\"ts\":\"2026-11-24 12:00:00.0\"}";
        String masked = PiiDetector.mask(line);
        assertThat(masked)
                .isEqualTo(
                        "{\"order_id\":990004,\"email\":\"[EMAIL]\",\"card\":\"[CREDIT_CARD]\","
                                + "\"ip\":\"[IP_ADDRESS]\",\"phone\":\"[PHONE]\",\"ssn\":\"[US_SSN]\","
                                + "\"iban\":\"[IBAN]\",\"ts\":\"2026-11-24 12:00:00.0\"}");
        assertThat(PiiDetector.found(line))
                .containsExactlyInAnyOrder(
                        PiiType.EMAIL,
                        PiiType.CREDIT_CARD,
                        PiiType.IBAN,
                        PiiType.US_SSN,
                        PiiType.IP_ADDRESS,
                        PiiType.PHONE);
    }
}
