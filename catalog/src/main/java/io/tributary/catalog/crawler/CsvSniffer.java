package io.tributary.catalog.crawler;

import io.tributary.catalog.model.DataType;
import io.tributary.catalog.model.DataType.Field;
import io.tributary.catalog.model.DataType.Kind;
import io.tributary.catalog.model.DataType.Primitive;
import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.model.TypeWidening;
import io.tributary.catalog.pii.PiiCounts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a CSV/TSV sample: picks the delimiter among {@code , \t | ;} that splits the rows into the
 * same number of fields, decides whether the first row is a header, and infers each column's type.
 * Quoted fields (with doubled quotes, delimiters and line breaks inside) are honoured.
 */
final class CsvSniffer {

    static final char[] DELIMITERS = {',', '\t', '|', ';'};
    private static final int SNIFF_ROWS = 50;

    private CsvSniffer() {}

    /** Splits {@code text} into rows of fields; a last row cut by the sample end is dropped. */
    static List<List<String>> parse(String text, char delimiter, int maxRows, boolean cut) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        int i = 0;
        int n = text.length();
        while (i < n && rows.size() < maxRows) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.isEmpty() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (c == delimiter) {
                row.add(wasQuoted ? field.toString() : field.toString().trim());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(wasQuoted ? field.toString() : field.toString().trim());
                field.setLength(0);
                wasQuoted = false;
                if (!(row.size() == 1 && row.get(0).isEmpty())) {
                    rows.add(row);
                }
                row = new ArrayList<>();
            } else {
                field.append(c);
            }
            i++;
        }
        boolean endedInsideRow = !row.isEmpty() || !field.isEmpty() || quoted;
        if (endedInsideRow && rows.size() < maxRows && !(cut && (quoted || i >= n))) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }

    /** The classification of a text sample as CSV, or a problem when no delimiter fits. */
    static FileSchema sniff(String text, boolean cut, String key, int maxRecords) {
        char best = 0;
        double bestScore = 0;
        for (char d : DELIMITERS) {
            List<List<String>> rows = parse(text, d, SNIFF_ROWS, cut);
            if (rows.isEmpty()) {
                continue;
            }
            Map<Integer, Integer> widths = new LinkedHashMap<>();
            rows.forEach(r -> widths.merge(r.size(), 1, Integer::sum));
            int width = rows.get(0).size();
            double consistency = widths.getOrDefault(width, 0) / (double) rows.size();
            if (width < 2 || consistency < 0.8) {
                continue;
            }
            double score = consistency * 100 + Math.min(width, 99);
            if (d == '\t' && key.toLowerCase(Locale.ROOT).matches(".*\\.tsv(\\.gz)?$")) {
                score += 1000;
            }
            if (score > bestScore) {
                bestScore = score;
                best = d;
            }
        }
        if (best == 0) {
            return FileSchema.unclassified(
                    "not JSON, and no delimiter among , tab | ; splits its rows into the same"
                            + " number of fields");
        }
        List<List<String>> rows = parse(text, best, maxRecords + 1, cut);
        boolean header = looksLikeHeader(rows);
        List<String> names = new ArrayList<>();
        List<String> first = rows.get(0);
        Set<String> used = new HashSet<>();
        for (int c = 0; c < first.size(); c++) {
            String name = header ? first.get(c).trim() : "";
            if (name.isEmpty()) {
                name = "col" + c;
            }
            String unique = name;
            for (int k = 2; !used.add(unique); k++) {
                unique = name + "_" + k;
            }
            names.add(unique);
        }
        List<DataType> types = new ArrayList<>();
        Map<String, Set<String>> seen = new HashMap<>();
        PiiCounts pii = new PiiCounts();
        names.forEach(x -> types.add(null));
        for (int r = header ? 1 : 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            for (int c = 0; c < names.size(); c++) {
                DataType t = c < row.size() ? ValueTypes.ofText(row.get(c)) : Primitive.NULL;
                FileSchema.see(seen, names.get(c), t);
                if (c < row.size()) {
                    pii.see(names.get(c), row.get(c));
                }
                types.set(c, types.get(c) == null ? t : TypeWidening.widen(types.get(c), t));
            }
        }
        types.replaceAll(t -> t == null ? Primitive.NULL : t);
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            fields.add(new Field(names.get(c), types.get(c)));
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("delimiter", String.valueOf(best));
        options.put("header", Boolean.toString(header));
        return new FileSchema(
                TableFormat.CSV,
                options,
                new DataType.Struct(fields, false),
                rows.size() - (header ? 1 : 0),
                null,
                seen,
                pii);
    }

    /**
     * A header when the first row is all distinct, non-empty text and some column below it holds
     * numbers, booleans or dates (Glue's rule: when every column is text, there is no header).
     */
    static boolean looksLikeHeader(List<List<String>> rows) {
        List<String> first = rows.get(0);
        Set<String> distinct = new HashSet<>();
        for (String v : first) {
            if (v.isEmpty() || !isText(ValueTypes.ofText(v)) || !distinct.add(v)) {
                return false;
            }
        }
        if (rows.size() == 1) {
            return true;
        }
        for (int c = 0; c < first.size(); c++) {
            for (int r = 1; r < rows.size(); r++) {
                List<String> row = rows.get(r);
                if (c < row.size()
                        && !row.get(c).isEmpty()
                        && !isText(ValueTypes.ofText(row.get(c)))) {
                    return true;
                }
            }
        }
        // every column is text: like Glue, the first row is not different enough to be a header
        return false;
    }

    private static boolean isText(DataType t) {
        return t instanceof Primitive p && p.kind() == Kind.STRING;
    }
}
