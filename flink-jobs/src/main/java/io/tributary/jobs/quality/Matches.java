package io.tributary.jobs.quality;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.binary.BinaryStringData;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code tributary_matches(s, pattern)}: whether {@code pattern} is found in {@code s}, as Flink's
 * {@code REGEXP} (a {@link Matcher#find()}), for DQDL's {@code matches} on every record. Flink's
 * function turns both arguments into Java strings and looks the pattern up in a thread-local cache
 * on every call; this one keeps the pattern of its (literal) argument compiled with one {@link
 * Matcher}, and reads an ASCII value in place, without decoding it into a string.
 */
public final class Matches extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    /** The name pipelines call it by. */
    public static final String NAME = "tributary_matches";

    /** A matcher per pattern argument: each call site passes its own literal, the same object. */
    private transient java.util.IdentityHashMap<StringData, Matcher> matchers;

    private transient Ascii ascii;

    public Boolean eval(
            @DataTypeHint(value = "STRING", bridgedTo = StringData.class) StringData s,
            @DataTypeHint(value = "STRING", bridgedTo = StringData.class) StringData pattern) {
        if (s == null || pattern == null) {
            return null;
        }
        if (matchers == null) {
            matchers = new java.util.IdentityHashMap<>();
        }
        Matcher m = matchers.get(pattern);
        if (m == null) {
            if (matchers.size() >= 64) {
                matchers.clear(); // a pattern that is not a literal
            }
            m = Pattern.compile(pattern.toString()).matcher("");
            matchers.put(pattern, m);
        }
        return m.reset(view(s)).find();
    }

    private CharSequence view(StringData s) {
        if (s instanceof BinaryStringData b && b.getJavaObject() == null) {
            byte[] bytes = b.toBytes();
            for (byte x : bytes) {
                if (x < 0) {
                    return s.toString();
                }
            }
            if (ascii == null) {
                ascii = new Ascii();
            }
            ascii.bytes = bytes;
            ascii.length = bytes.length;
            return ascii;
        }
        return s.toString();
    }

    /** An ASCII byte array read as characters, in place. */
    private static final class Ascii implements CharSequence {
        byte[] bytes;
        int length;

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int i) {
            if (i >= length) {
                throw new IndexOutOfBoundsException(i);
            }
            return (char) bytes[i];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return toString().substring(start, end);
        }

        @Override
        public String toString() {
            return new String(bytes, 0, length, java.nio.charset.StandardCharsets.US_ASCII);
        }
    }
}
