package io.tributary.catalog.crawler;

import io.tributary.catalog.model.DataType;
import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.pii.PiiCounts;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a classifier learned from one file's sample: format, the options a reader needs (delimiter,
 * header, layout, compression) and the row type. A file no classifier recognises has a {@code
 * problem} instead, saying why. {@code pii} counts the personal data among its sampled values, by
 * column (JSON and CSV; an Avro or Parquet file's values are not sampled).
 */
public record FileSchema(
        TableFormat format,
        Map<String, String> options,
        DataType.Struct row,
        long recordsSampled,
        String problem,
        Map<String, Set<String>> typesSeen,
        PiiCounts pii) {

    public FileSchema {
        pii = pii == null ? new PiiCounts() : pii;
        options = options == null ? Map.of() : Map.copyOf(options);
        if (row != null && textual(format)) {
            row = (DataType.Struct) ValueTypes.textual(row).withNullable(row.nullable());
        }
        typesSeen = typesSeen == null ? Map.of() : Map.copyOf(typesSeen);
    }

    public FileSchema(
            TableFormat format,
            Map<String, String> options,
            DataType.Struct row,
            long recordsSampled,
            String problem) {
        this(format, options, row, recordsSampled, problem, Map.of(), null);
    }

    public FileSchema(
            TableFormat format,
            Map<String, String> options,
            DataType.Struct row,
            long recordsSampled,
            String problem,
            Map<String, Set<String>> typesSeen) {
        this(format, options, row, recordsSampled, problem, typesSeen, null);
    }

    /**
     * The scalar type a value of a top-level column has, for recording conflicts (int beside
     * string): null for nulls and nested values, whose differences are merges, not conflicts.
     */
    static String scalar(DataType t) {
        if (t instanceof DataType.Decimal
                || t instanceof DataType.Primitive p && p.kind() != DataType.Kind.NULL) {
            return t.withNullable(false).sql();
        }
        return null;
    }

    /** Adds the scalar type of {@code t} to what {@code column} was seen as. */
    static void see(Map<String, Set<String>> seen, String column, DataType t) {
        String s = scalar(t);
        if (s != null) {
            seen.computeIfAbsent(column, k -> new TreeSet<>()).add(s);
        }
    }

    /** JSON and CSV: formats whose types are inferred from the values, not declared. */
    boolean textual() {
        return textual(format);
    }

    private static boolean textual(TableFormat format) {
        return format == TableFormat.JSON || format == TableFormat.CSV;
    }

    static FileSchema unclassified(String problem) {
        return new FileSchema(null, Map.of(), null, 0, problem);
    }

    public boolean classified() {
        return problem == null;
    }

    /**
     * Same format and the options that change how a reader parses records; compression is not one
     * of them (a reader tells a gzip'd file by its bytes or its name, file by file).
     */
    boolean sameLayout(FileSchema o) {
        return format == o.format && parsing().equals(o.parsing());
    }

    /** The options without compression. */
    Map<String, String> parsing() {
        if (!options.containsKey("compression")) {
            return options;
        }
        Map<String, String> p = new LinkedHashMap<>(options);
        p.remove("compression");
        return p;
    }
}
