package io.tributary.catalog.crawler;

import io.tributary.catalog.model.DataType;
import io.tributary.catalog.model.TableFormat;
import java.util.Map;

/**
 * What a classifier learned from one file's sample: format, the options a reader needs (delimiter,
 * header, layout, compression) and the row type. A file no classifier recognises has a {@code
 * problem} instead, saying why.
 */
public record FileSchema(
        TableFormat format,
        Map<String, String> options,
        DataType.Struct row,
        long recordsSampled,
        String problem) {

    public FileSchema {
        options = options == null ? Map.of() : Map.copyOf(options);
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
        Map<String, String> p = new java.util.LinkedHashMap<>(options);
        p.remove("compression");
        return p;
    }
}
