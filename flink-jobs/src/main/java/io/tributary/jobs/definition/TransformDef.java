package io.tributary.jobs.definition;

import java.util.List;
import java.util.Map;

/**
 * A named view over sources or earlier transforms: either a Flink SQL query ({@code sql}), or a
 * mapping of one input in Glue's terms: {@code mappings} (ApplyMapping: source column to target
 * name and type), {@code resolve-choice} (a type per column, the others kept), and a {@code
 * filter}: a condition on the input's columns (as SQL's WHERE beside its SELECT list), so rows are
 * chosen by what they hold before they are mapped. A {@code quality:} ruleset and {@code pii:}
 * actions (each null when absent) apply to the transform's rows.
 */
public record TransformDef(
        String name,
        String sql,
        String from,
        List<MappingDef> mappings,
        Map<String, String> resolveChoice,
        String filter,
        Position at,
        int sqlLine,
        Position filterAt,
        QualityDef quality,
        PiiDef pii) {

    /**
     * One ApplyMapping entry: {@code source} column (or expression) as {@code target} of {@code
     * type}.
     */
    public record MappingDef(String source, String target, String type) {}
}
