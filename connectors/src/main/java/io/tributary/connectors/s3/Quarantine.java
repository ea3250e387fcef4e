package io.tributary.connectors.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.pii.PiiRedaction;
import io.tributary.objectstore.ObjectStore;
import io.tributary.objectstore.ObjectStores;
import io.tributary.objectstore.S3Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.apache.flink.annotation.Internal;

/**
 * Where bad records go, one JSON object each: the file, the line and byte position, the raw text
 * (at most {@value #MAX_RAW} bytes), the kind of problem (the metric's {@code reason} label:
 * unparseable, invalid_utf8, ...), the reason in words and when; of a table with PII tags, with no
 * tagged value in clear. An entry's name is derived from its file and position, so a record met
 * again after a restart replaces its entry instead of doubling it.
 */
@Internal
public final class Quarantine implements AutoCloseable {

    static final int MAX_RAW = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectStore store;
    private final java.util.Map<String, String> pii;

    Quarantine(String location, S3Settings s3) {
        this(location, s3, java.util.Map.of());
    }

    /**
     * A quarantine of a table with PII tags {@code pii} (column to tag): its entries keep no tagged
     * value in clear ({@link PiiRedaction}), and say {@code "redacted": true}.
     */
    Quarantine(String location, S3Settings s3, java.util.Map<String, String> pii) {
        this.store = ObjectStores.open(location, s3);
        this.pii = java.util.Map.copyOf(pii);
    }

    /** Records one bad record. */
    void put(String file, long line, long offset, byte[] raw, String kind, String reason)
            throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("file", file);
        n.put("line", line);
        n.put("offset", offset);
        n.put("kind", kind);
        int kept = raw == null ? 0 : Math.min(raw.length, MAX_RAW);
        String text = raw == null ? "" : new String(raw, 0, kept, StandardCharsets.UTF_8);
        if (pii.isEmpty()) {
            n.put("reason", reason);
            n.put("raw", text);
        } else {
            // a replay sends the record as kept: with its tagged values redacted
            PiiRedaction.Redacted r = PiiRedaction.redact(text, reason, pii);
            n.put("reason", r.reason());
            n.put("raw", r.raw());
            n.put("redacted", true);
        }
        n.put("rawBytes", raw == null ? 0 : raw.length);
        n.put("truncated", raw != null && raw.length > MAX_RAW);
        n.put("at", Instant.now().toString());
        store.write(entryName(file, line, offset), JSON.writeValueAsBytes(n));
    }

    /** {@code reason} as a failure may print it: with no tagged value in clear. */
    String reasonToPrint(byte[] raw, String reason) {
        if (pii.isEmpty()) {
            return reason;
        }
        String text =
                raw == null
                        ? null
                        : new String(raw, 0, Math.min(raw.length, MAX_RAW), StandardCharsets.UTF_8);
        return PiiRedaction.redact(text, reason, pii).reason();
    }

    static String entryName(String file, long line, long offset) {
        try {
            byte[] h =
                    MessageDigest.getInstance("SHA-256")
                            .digest(file.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 10) + "/" + line + "-" + offset + ".json";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
