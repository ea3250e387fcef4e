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

    /**
     * The patterns decided without the regex engine (one class, one quantifier) agree with it on
     * random values, and those it cannot take (two classes, a negated class, an escape) go to it.
     */
    @Test
    void theFastPatternsAgreeWithJavaRegex() {
        List<String> fast =
                List.of(
                        "[a-z0-9-]+",
                        "[A-Z]{2}",
                        "[-a]*",
                        "[a-]?",
                        "[0-9]{2,4}",
                        "[x-z.]{3,}",
                        "[ab]",
                        "[a]{0}",
                        "[ (|)$*+?.]+");
        List<String> slow =
                List.of("[a-z]+[0-9]", "[^a-z]+", "[\\w]+", "[a-z]+?", "[a--]+", "x[a]");
        for (String p : fast) {
            assertThat(Matches.CharRun.of("^(?:" + p + ")$")).as(p).isNotNull();
        }
        for (String p : slow) {
            assertThat(Matches.CharRun.of("^(?:" + p + ")$")).as(p).isNull();
        }
        java.util.Random random = new java.util.Random(11);
        String alphabet = "az09AZ-._ (|)$*+?x\n\rbq\u00e9";
        Matches m = new Matches();
        for (String p : fast) {
            String pattern = "^(?:" + p + ")$";
            Pattern regex = Pattern.compile(pattern);
            StringData compiled = StringData.fromString(pattern);
            for (int i = 0; i < 5_000; i++) {
                StringBuilder v = new StringBuilder();
                for (int k = random.nextInt(7); k > 0; k--) {
                    v.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                String value = v.toString();
                boolean expected = regex.matcher(value).find();
                StringData bytes = StringData.fromBytes(value.getBytes(StandardCharsets.UTF_8));
                assertThat(m.eval(bytes, compiled)).as("%s on '%s'", p, value).isEqualTo(expected);
            }
        }
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
                // twice: the second from the hashes kept of values seen
                assertThat(hash.eval(s).toString()).isEqualTo(digest);
                assertThat(hash.eval(s).toString()).isEqualTo(digest);
                assertThat(redact.eval(s).toString()).isEqualTo("****");
            }
        }
        assertThat(partial.eval(null)).isNull();
    }

    /**
     * The hashes kept of values seen are of the values, not of the buffer they were read from: a
     * value read from a row whose bytes are then overwritten (object reuse) by another value of the
     * same slot keeps its own hash, and the other gets its own.
     */
    @Test
    void aHashKeptIsOfTheValueNotOfItsBuffer() throws Exception {
        PiiMask hash = new PiiMask("sha256", 0, "pepper");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        String ada = "user00000@example.com";
        int slot = StringData.fromString(ada).hashCode() & (PiiMask.SEEN - 1);
        String other = null;
        for (int i = 1; i < 100_000 && other == null; i++) {
            String v = String.format("user%05d@example.com", i);
            if ((StringData.fromString(v).hashCode() & (PiiMask.SEEN - 1)) == slot) {
                other = v;
            }
        }
        assertThat(other).as("a value of the same slot and length").isNotNull();
        byte[] buffer = ada.getBytes(StandardCharsets.UTF_8);
        String before = hash.eval(StringData.fromBytes(buffer)).toString();
        System.arraycopy(other.getBytes(StandardCharsets.UTF_8), 0, buffer, 0, buffer.length);
        assertThat(hash.eval(StringData.fromBytes(buffer)).toString())
                .isNotEqualTo(before)
                .isEqualTo(
                        HexFormat.of()
                                .formatHex(
                                        sha.digest(
                                                ("pepper" + other)
                                                        .getBytes(StandardCharsets.UTF_8))));
        // many distinct values (more than it keeps) all hash right
        for (int i = 0; i < 40_000; i++) {
            String v = "user" + (i % 20_000) + "@example.com";
            assertThat(hash.eval(StringData.fromString(v)).toString())
                    .isEqualTo(
                            HexFormat.of()
                                    .formatHex(
                                            sha.digest(
                                                    ("pepper" + v)
                                                            .getBytes(StandardCharsets.UTF_8))));
        }
    }
}
