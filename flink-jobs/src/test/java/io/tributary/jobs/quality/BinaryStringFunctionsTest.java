package io.tributary.jobs.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.table.data.StringData;
import org.junit.jupiter.api.Test;

/**
 * The functions that read Flink's binary strings in place ({@link Matches}, {@link PiiMask}) give
 * what the same work on Java strings gives, for ASCII values (read in place) and for others (the
 * fallback), whether the value came as bytes (from a row) or as a Java string.
 */
class BinaryStringFunctionsTest {

    private static final List<String> VALUES =
            List.of("ada-01", "AB", "Zürich", "Müller-Lüdenscheidt", "", "a\n", "名前", "x1");

    private static List<StringData> forms(String v) {
        return List.of(
                StringData.fromBytes(v.getBytes(StandardCharsets.UTF_8)), StringData.fromString(v));
    }

    @Test
    void matchesFindsWhatJavaRegexFinds() {
        Matches m = new Matches();
        for (String pattern : List.of("^(?:[a-z0-9-]+)$", "^(?:[A-Z]{2})$", "^(?:\\p{L}+)$")) {
            StringData p = StringData.fromString(pattern);
            for (String v : VALUES) {
                boolean expected = Pattern.compile(pattern).matcher(v).find();
                for (StringData s : forms(v)) {
                    assertThat(m.eval(s, p)).as("%s on '%s'", pattern, v).isEqualTo(expected);
                }
            }
        }
        assertThat(m.eval(null, StringData.fromString("x"))).isNull();
    }

    @Test
    void masksAreThoseOfTheJavaStrings() throws Exception {
        PiiMask partial = new PiiMask("partial-redact", 3, null);
        PiiMask hash = new PiiMask("sha256", 0, "pepper");
        PiiMask redact = new PiiMask("redact", 0, null);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String v : VALUES) {
            int n = v.codePointCount(0, v.length());
            String kept = n <= 3 ? "" : v.substring(v.offsetByCodePoints(0, n - 3));
            String expected = "*".repeat(n - kept.codePointCount(0, kept.length())) + kept;
            String digest =
                    HexFormat.of()
                            .formatHex(sha.digest(("pepper" + v).getBytes(StandardCharsets.UTF_8)));
            for (StringData s : forms(v)) {
                assertThat(partial.eval(s).toString()).as("'%s'", v).isEqualTo(expected);
                assertThat(hash.eval(s).toString()).isEqualTo(digest);
                assertThat(redact.eval(s).toString()).isEqualTo("****");
            }
        }
        assertThat(partial.eval(null)).isNull();
    }
}
