package io.tributary.jobs.quality;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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

    public PiiMask(String action, int keep, String salt) {
        this.action = action;
        this.keep = keep;
        this.salt = salt == null ? new byte[0] : salt.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void open(FunctionContext context) throws NoSuchAlgorithmException {
        digest = MessageDigest.getInstance("SHA-256");
    }

    public String eval(String value) {
        if (value == null) {
            return null;
        }
        return switch (action) {
            case "redact" -> "****";
            case "partial-redact" -> {
                int n = value.codePointCount(0, value.length());
                if (n <= keep) {
                    yield "*".repeat(n);
                }
                int cut = value.offsetByCodePoints(0, n - keep);
                yield "*".repeat(n - keep) + value.substring(cut);
            }
            case "sha256" -> {
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
                yield HexFormat.of().formatHex(d.digest(value.getBytes(StandardCharsets.UTF_8)));
            }
            default -> throw new IllegalStateException("unknown pii action " + action);
        };
    }

    @Override
    public String toString() {
        return "PiiMask(" + action + ")"; // never the salt
    }
}
