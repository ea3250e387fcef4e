package io.tributary.catalog.pii;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bad record of a table with PII tags, and the reason it was set aside, with no tagged value in
 * clear: a JSON record's tagged fields hold {@code [TAG]} whatever they held, a value of theirs
 * quoted in the reason (a parser's message quotes the record) is replaced alike, then whatever
 * {@link PiiDetector#mask} recognizes in either (a CSV line, a record too broken to parse).
 */
public final class PiiRedaction {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PiiRedaction() {}

    /** A record and its reason, redacted. */
    public record Redacted(String raw, String reason) {}

    /**
     * {@code raw} and {@code reason} redacted for {@code tags} (column to tag name, as {@code
     * EMAIL}); either may be null.
     */
    public static Redacted redact(String raw, String reason, Map<String, String> tags) {
        String r = raw;
        String why = reason;
        if (raw != null && !tags.isEmpty()) {
            try {
                JsonNode record = JSON.readTree(raw);
                if (record instanceof ObjectNode o) {
                    Map<String, String> clear = new LinkedHashMap<>();
                    tags.forEach(
                            (column, tag) -> {
                                if (o.hasNonNull(column)) {
                                    clear.put(o.get(column).asText(), "[" + tag + "]");
                                    o.put(column, "[" + tag + "]");
                                }
                            });
                    r = JSON.writeValueAsString(o);
                    if (why != null) {
                        for (Map.Entry<String, String> e : clear.entrySet()) {
                            if (!e.getKey().isEmpty()) {
                                why = why.replace(e.getKey(), e.getValue());
                            }
                        }
                    }
                }
            } catch (JsonProcessingException e) {
                // not JSON (a CSV line, a broken record): what the detector finds below
            }
        }
        return new Redacted(PiiDetector.mask(r), PiiDetector.mask(why));
    }

    /** The tags as an option carries them: a JSON object, column to tag. */
    public static String format(Map<String, String> tags) {
        try {
            return JSON.writeValueAsString(tags);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tags of {@link #format}; none for null or blank. */
    public static Map<String, String> parse(String option) {
        Map<String, String> out = new LinkedHashMap<>();
        if (option == null || option.isBlank()) {
            return out;
        }
        try {
            JSON.readTree(option)
                    .fields()
                    .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "not a JSON object of column to PII tag (as {\"email\": \"EMAIL\"}): "
                            + option);
        }
        return out;
    }
}
