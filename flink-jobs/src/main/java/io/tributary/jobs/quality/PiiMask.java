package io.tributary.jobs.quality;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.binary.BinaryStringData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * One {@code pii:} action on one column's values: {@code redact} ({@code ****}), {@code
 * partial-redact} (all but the last {@code keep} characters as {@code *}; a value no longer than
 * {@code keep} is masked whole) or {@code sha256} (hex of SHA-256 over the salt and the value). A
 * function rather than SQL, so the salt never shows in a plan, an operator name or a log.
 */
public final class PiiMask extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    private final String action;
    private final int keep;
    private final byte[] salt;
    private transient MessageDigest digest;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** Per instance: a binary string materializes lazily, and subtasks share a JVM. */
    private transient StringData redacted;

    /**
     * Hashes of values seen, in slots by the value's hash (the last value of each slot kept): a
     * column to hash holds the same values again and again (a customer's email on each of their
     * orders), and a lookup costs a fraction of SHA-256. The values are kept as copies in this
     * task's memory, as the join before it keeps them; never written anywhere.
     */
    static final int SEEN = 1 << 14;

    private transient StringData[] seenValues;
    private transient StringData[] seenHashes;

    public PiiMask(String action, int keep, String salt) {
        this.action = action;
        this.keep = keep;
        this.salt = salt == null ? new byte[0] : salt.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void open(FunctionContext context) throws NoSuchAlgorithmException {
        digest = MessageDigest.getInstance("SHA-256");
    }

    /**
     * The masked value. It takes and gives Flink's binary strings: a value is hashed from its UTF-8
     * bytes and an ASCII value redacted in place, without decoding it into a Java string and
     * encoding the result back, on every record.
     */
    @DataTypeHint(value = "STRING", bridgedTo = StringData.class)
    public StringData eval(
            @DataTypeHint(value = "STRING", bridgedTo = StringData.class) StringData value) {
        if (value == null) {
            return null;
        }
        return switch (action) {
            case "redact" -> {
                if (redacted == null) {
                    redacted = StringData.fromBytes("****".getBytes(StandardCharsets.US_ASCII));
                }
                yield redacted;
            }
            case "partial-redact" -> {
                byte[] bytes = value.toBytes();
                for (byte b : bytes) {
                    if (b < 0) {
                        yield StringData.fromString(mask(value.toString()));
                    }
                }
                int hidden = Math.max(0, bytes.length - keep);
                if (bytes.length <= keep) {
                    hidden = bytes.length;
                }
                byte[] out = bytes.clone();
                java.util.Arrays.fill(out, 0, hidden, (byte) '*');
                yield StringData.fromBytes(out);
            }
            case "sha256" -> {
                if (!(value instanceof BinaryStringData b)) {
                    yield sha256(value);
                }
                if (seenValues == null) {
                    seenValues = new StringData[SEEN];
                    seenHashes = new StringData[SEEN];
                }
                int slot = b.hashCode() & (SEEN - 1);
                StringData seen = seenValues[slot];
                if (seen != null && seen.equals(b)) {
                    yield seenHashes[slot];
                }
                StringData hash = sha256(b);
                // a copy: the value may be a view of a row's buffer that is reused
                seenValues[slot] = b.copy();
                seenHashes[slot] = hash;
                yield hash;
            }
            default -> throw new IllegalStateException("unknown pii action " + action);
        };
    }

    /** Hex of SHA-256 over the salt and the value's UTF-8 bytes. */
    private StringData sha256(StringData value) {
        MessageDigest d = digest;
        if (d == null) {
            try {
                d = digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        d.reset();
        d.update(salt);
        byte[] hash = d.digest(value.toBytes());
        byte[] hex = new byte[hash.length * 2];
        for (int i = 0; i < hash.length; i++) {
            hex[2 * i] = HEX[(hash[i] >> 4) & 0xf];
            hex[2 * i + 1] = HEX[hash[i] & 0xf];
        }
        return StringData.fromBytes(hex);
    }

    /** {@code partial-redact} of a value in characters (code points), not bytes. */
    private String mask(String value) {
        int n = value.codePointCount(0, value.length());
        if (n <= keep) {
            return "*".repeat(n);
        }
        int cut = value.offsetByCodePoints(0, n - keep);
        return "*".repeat(n - keep) + value.substring(cut);
    }

    @Override
    public String toString() {
        return "PiiMask(" + action + ")"; // never the salt
    }
}
