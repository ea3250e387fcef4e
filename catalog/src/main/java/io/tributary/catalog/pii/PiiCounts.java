package io.tributary.catalog.pii;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.pii.PiiDetector.PiiType;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a crawler's samples held, column by column: how many values it looked at and how many of
 * them were personal data of each kind ({@link PiiDetector#classify}). The counts of a table's
 * files add up; {@link #tags} turns them into the table's PII tags, kept in its properties as
 * {@code pii.<column>} (the kind) and {@code pii.<column>.share} (the share of sampled values that
 * were of that kind), which pipelines' {@code pii: tags:} actions and {@code quarantine list} read.
 */
public final class PiiCounts {

    /** The property prefix of a table's PII tags. */
    public static final String PREFIX = "pii.";

    /** The suffix of the property holding the share of a tagged column's values that matched. */
    public static final String SHARE = ".share";

    /**
     * The share of a column's sampled values that must be of one kind for the column to be tagged
     * with it, unless a crawler says otherwise: most of them, as a column of emails with a few
     * blanks or placeholders is still a column of emails.
     */
    public static final double DEFAULT_THRESHOLD = 0.5;

    /** A column's tag: the kind of personal data and the share of its sampled values that were. */
    public record Tag(PiiType type, double share) {}

    private static final class Column {
        long sampled;
        final Map<PiiType, Long> found = new EnumMap<>(PiiType.class);

        @Override
        public boolean equals(Object o) {
            return o instanceof Column c && c.sampled == sampled && c.found.equals(found);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(sampled) * 31 + found.hashCode();
        }
    }

    private final Map<String, Column> columns = new LinkedHashMap<>();

    /** Counts one sampled value of {@code column}; nulls and blanks are not values here. */
    public void see(String column, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        Column c = columns.computeIfAbsent(column, k -> new Column());
        c.sampled++;
        PiiDetector.classify(value).ifPresent(t -> c.found.merge(t, 1L, Long::sum));
    }

    /** Adds {@code other}'s counts to these. */
    public void add(PiiCounts other) {
        other.columns.forEach(
                (name, o) -> {
                    Column c = columns.computeIfAbsent(name, k -> new Column());
                    c.sampled += o.sampled;
                    o.found.forEach((t, n) -> c.found.merge(t, n, Long::sum));
                });
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PiiCounts p && p.columns.equals(columns);
    }

    @Override
    public int hashCode() {
        return columns.hashCode();
    }

    public boolean isEmpty() {
        return columns.isEmpty();
    }

    /** The values of {@code column} sampled (0 for a column never seen). */
    public long sampled(String column) {
        Column c = columns.get(column);
        return c == null ? 0 : c.sampled;
    }

    /**
     * Each column whose most frequent kind covers at least {@code threshold} of its sampled values,
     * with that kind and its share.
     */
    public Map<String, Tag> tags(double threshold) {
        Map<String, Tag> out = new LinkedHashMap<>();
        columns.forEach(
                (name, c) ->
                        c.found.entrySet().stream()
                                .max(Map.Entry.comparingByValue())
                                .ifPresent(
                                        top -> {
                                            double share = (double) top.getValue() / c.sampled;
                                            if (share >= threshold) {
                                                out.put(name, new Tag(top.getKey(), share));
                                            }
                                        }));
        return out;
    }

    /**
     * Replaces the PII tags in a table's {@code properties} by {@code tags} (a column no longer
     * tagged loses its tag).
     */
    public static void putTags(Map<String, String> properties, Map<String, Tag> tags) {
        properties.keySet().removeIf(k -> k.startsWith(PREFIX));
        tags.forEach(
                (column, tag) -> {
                    properties.put(PREFIX + column, tag.type().name());
                    properties.put(
                            PREFIX + column + SHARE,
                            String.format(Locale.ROOT, "%.2f", tag.share()));
                });
    }

    /** The PII tags kept in a table's {@code properties}, by column. */
    public static Map<String, Tag> tagsOf(Map<String, String> properties) {
        Map<String, Tag> out = new LinkedHashMap<>();
        properties.forEach(
                (k, v) -> {
                    if (k.startsWith(PREFIX) && !k.endsWith(SHARE)) {
                        type(v).ifPresent(
                                        t -> {
                                            String column = k.substring(PREFIX.length());
                                            double share;
                                            try {
                                                share =
                                                        Double.parseDouble(
                                                                properties.getOrDefault(
                                                                        k + SHARE, "1"));
                                            } catch (NumberFormatException e) {
                                                share = 1;
                                            }
                                            out.put(column, new Tag(t, share));
                                        });
                    }
                });
        return out;
    }

    /** The kind named {@code name} ({@code EMAIL}, {@code email}, {@code credit-card}, ...). */
    public static Optional<PiiType> type(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (PiiType t : PiiType.values()) {
            if (t.name().equals(n)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The counts as JSON, for a crawler's memory of the files it has read. */
    public JsonNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        columns.forEach(
                (name, c) -> {
                    ObjectNode o = n.putObject(name);
                    o.put("sampled", c.sampled);
                    c.found.forEach((t, k) -> o.put(t.name(), k));
                });
        return n;
    }

    /** The counts {@link #toJson} wrote (empty for a missing node: files read before tagging). */
    public static PiiCounts fromJson(JsonNode n) {
        PiiCounts out = new PiiCounts();
        if (n == null || !n.isObject()) {
            return out;
        }
        n.fields()
                .forEachRemaining(
                        e -> {
                            Column c = new Column();
                            c.sampled = e.getValue().path("sampled").asLong();
                            for (PiiType t : PiiType.values()) {
                                long k = e.getValue().path(t.name()).asLong(0);
                                if (k > 0) {
                                    c.found.put(t, k);
                                }
                            }
                            out.columns.put(e.getKey(), c);
                        });
        return out;
    }
}
