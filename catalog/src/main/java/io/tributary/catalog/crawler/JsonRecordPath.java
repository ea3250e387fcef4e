package io.tributary.catalog.crawler;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a JSON document holds its records, as Glue's custom JSON classifier says it: {@code
 * $.features[*]} (GeoJSON), {@code $.data.items[*]}, {@code $['odd key'][*]} or {@code $[*]} (a
 * top-level array). The crawler samples the records there and the S3 source reads them there,
 * streaming, whatever the document's size.
 */
public final class JsonRecordPath {

    private static final Pattern STEP =
            Pattern.compile("\\.([A-Za-z_$][A-Za-z0-9_$-]*)|\\['((?:[^'\\\\]|\\\\.)*)'\\]");

    private final String text;
    private final List<String> keys;

    private JsonRecordPath(String text, List<String> keys) {
        this.text = text;
        this.keys = List.copyOf(keys);
    }

    /** Parses {@code $} then keys ({@code .k} or {@code ['k']}) then {@code [*]}. */
    public static JsonRecordPath parse(String path) {
        String p = path == null ? "" : path.trim();
        if (!p.startsWith("$") || !p.endsWith("[*]")) {
            throw new IllegalArgumentException(
                    "JSON path '"
                            + path
                            + "' must start with $ and end with [*] (the array holding the"
                            + " records), e.g. $.features[*] or $[*]");
        }
        String middle = p.substring(1, p.length() - 3);
        List<String> keys = new ArrayList<>();
        Matcher m = STEP.matcher(middle);
        int at = 0;
        while (at < middle.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException(
                        "JSON path '"
                                + path
                                + "': cannot read '"
                                + middle.substring(at)
                                + "'; steps are .key or ['key'] (filters and wildcards before the"
                                + " last [*] are not supported)");
            }
            keys.add(m.group(1) != null ? m.group(1) : m.group(2).replaceAll("\\\\(.)", "$1"));
            at = m.end();
        }
        return new JsonRecordPath(p, keys);
    }

    /**
     * Moves {@code p} (before the document's first token) to the start of the records' array; false
     * when the document has no array there.
     */
    public boolean seek(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        for (String key : keys) {
            if (t != JsonToken.START_OBJECT) {
                return false;
            }
            boolean found = false;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                if (name.equals(key)) {
                    found = true;
                    break;
                }
                p.skipChildren();
            }
            if (!found) {
                return false;
            }
        }
        return t == JsonToken.START_ARRAY;
    }

    /**
     * The path to suggest for a document that is one object holding an array of objects under a
     * top-level key (GeoJSON's {@code features}), or null; reads at most the text given.
     */
    static String suggest(JsonParser p) {
        try {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                if (t == JsonToken.START_ARRAY) {
                    JsonToken first = p.nextToken();
                    if (first == null) {
                        return null;
                    }
                    if (first == JsonToken.START_OBJECT) {
                        return name.matches("[A-Za-z_$][A-Za-z0-9_$-]*")
                                ? "$." + name + "[*]"
                                : "$['" + name.replace("\\", "\\\\").replace("'", "\\'") + "'][*]";
                    }
                    int depth = first == JsonToken.END_ARRAY ? 0 : first.isStructStart() ? 2 : 1;
                    while (depth > 0) { // the rest of an array of anything else
                        JsonToken x = p.nextToken();
                        if (x == null) {
                            return null;
                        }
                        depth += x.isStructStart() ? 1 : x.isStructEnd() ? -1 : 0;
                    }
                    continue;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null; // the sample ended first
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
