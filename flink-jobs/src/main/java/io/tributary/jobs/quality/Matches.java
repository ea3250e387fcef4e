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
    private transient java.util.IdentityHashMap<StringData, Compiled> matchers;

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
        Compiled m = matchers.get(pattern);
        if (m == null) {
            if (matchers.size() >= 64) {
                matchers.clear(); // a pattern that is not a literal
            }
            String text = pattern.toString();
            m = new Compiled(Pattern.compile(text).matcher(""), CharRun.of(text));
            matchers.put(pattern, m);
        }
        if (m.run != null && s instanceof BinaryStringData b && b.getJavaObject() == null) {
            Boolean fast = m.run.matches(b.toBytes());
            if (fast != null) {
                return fast;
            }
        }
        return m.matcher.reset(view(s)).find();
    }

    /** A pattern compiled, with its fast form when it has one. */
    private record Compiled(Matcher matcher, CharRun run) {}

    /**
     * The patterns DQDL rules mostly hold, {@code ^(?:[class]quantifier)$} as the translator
     * anchors them ({@code [a-z0-9-]+}, {@code [A-Z]{2}}), decided on an ASCII value's bytes by a
     * table lookup per byte instead of the regex engine; the same answer as {@link Matcher#find()}.
     */
    static final class CharRun {
        private final boolean[] in = new boolean[128];
        private final int min;
        private final int max;

        private CharRun(int min, int max) {
            this.min = min;
            this.max = max;
        }

        /**
         * The fast form of {@code pattern}, or null when it is not one class of literal ASCII
         * characters and ranges ({@code a-z}) with one quantifier ({@code + * ? {n} {n,} {n,m}}).
         */
        static CharRun of(String pattern) {
            String prefix = "^(?:[";
            String suffix = ")$";
            if (!pattern.startsWith(prefix) || !pattern.endsWith(suffix)) {
                return null;
            }
            String body = pattern.substring(prefix.length(), pattern.length() - suffix.length());
            int close = body.indexOf(']');
            if (close <= 0) {
                return null;
            }
            String set = body.substring(0, close);
            String quantifier = body.substring(close + 1);
            int min;
            int max;
            switch (quantifier) {
                case "" -> min = max = 1;
                case "+" -> {
                    min = 1;
                    max = Integer.MAX_VALUE;
                }
                case "*" -> {
                    min = 0;
                    max = Integer.MAX_VALUE;
                }
                case "?" -> {
                    min = 0;
                    max = 1;
                }
                default -> {
                    java.util.regex.Matcher q =
                            Pattern.compile("\\{(\\d{1,6})(,(\\d{1,6})?)?}").matcher(quantifier);
                    if (!q.matches()) {
                        return null;
                    }
                    min = Integer.parseInt(q.group(1));
                    max =
                            q.group(2) == null
                                    ? min
                                    : q.group(3) == null
                                            ? Integer.MAX_VALUE
                                            : Integer.parseInt(q.group(3));
                    if (max < min) {
                        return null;
                    }
                }
            }
            CharRun run = new CharRun(min, max);
            for (int i = 0; i < set.length(); i++) {
                char c = set.charAt(i);
                if (c < 0x20 || c > 0x7e || "\\[]^&".indexOf(c) >= 0) {
                    return null;
                }
                boolean range = i + 2 < set.length() && set.charAt(i + 1) == '-';
                if (c == '-' && i != 0 && i != set.length() - 1) {
                    // a '-' inside the class that is not a range's: left to the engine
                    return null;
                }
                if (range) {
                    char hi = set.charAt(i + 2);
                    if (c == '-' || hi == '-' || hi < c || hi > 0x7e || "\\[]^&".indexOf(hi) >= 0) {
                        return null;
                    }
                    for (char x = c; x <= hi; x++) {
                        run.in[x] = true;
                    }
                    i += 2;
                } else {
                    run.in[c] = true;
                }
            }
            return run;
        }

        /**
         * Whether the value matches; null when the engine must decide (a character outside ASCII,
         * or a line terminator at the end, before which {@code $} also matches).
         */
        Boolean matches(byte[] value) {
            int n = value.length;
            if (n > 0 && (value[n - 1] == '\n' || value[n - 1] == '\r')) {
                return null;
            }
            boolean all = true;
            for (byte b : value) {
                if (b < 0) {
                    return null;
                }
                all &= in[b];
            }
            return all && n >= min && n <= max;
        }
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
