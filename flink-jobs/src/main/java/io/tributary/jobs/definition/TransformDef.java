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
 *
 * <p>{@code join-state} says what the join of a {@code sql} transform keeps: {@code full}, Flink's
 * join (both sides, every row), or {@code dimension}: only the right side, a dimension keyed by the
 * join column; a change of a dimension row reaches the rows already loaded through the warehouse
 * sink's commit ({@code io.tributary.jobs.join.DimensionJoin}).
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
        PiiDef pii,
        String joinState,
        Position joinStateAt) {

    /** Flink's join, both sides kept. */
    public static final String FULL = "full";

    /** Only the dimension kept: see {@code io.tributary.jobs.join.DimensionJoin}. */
    public static final String DIMENSION = "dimension";

    public boolean dimensionJoin() {
        return DIMENSION.equals(joinState);
    }

    /**
     * One ApplyMapping entry: {@code source} column (or expression) as {@code target} of {@code
     * type}.
     */
    public record MappingDef(String source, String target, String type) {}
}
