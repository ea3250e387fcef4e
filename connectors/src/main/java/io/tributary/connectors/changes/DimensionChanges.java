package io.tributary.connectors.changes;

import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;
import org.apache.flink.streaming.api.transformations.TwoInputTransformation;

/**
 * What a pipeline's dimension join ({@code join-state: dimension}) tells the sinks it feeds, the
 * warehouse's and the lake's alike: the rows' keys (they declare no primary key, as a dimension's
 * change has none), the column holding the dimension's key, the columns its change rewrites, and
 * the two columns the join adds to every row.
 */
@PublicEvolving
public final class DimensionChanges {

    private DimensionChanges() {}

    public static final ConfigOption<List<String>> SINK_KEYS =
            ConfigOptions.key("sink.keys")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "The key columns (separated by ';') of a table that declares no"
                                    + " primary key: a pipeline's dimension join feeds the sink"
                                    + " rows that carry a dimension's change instead of a key.");

    public static final ConfigOption<String> DIMENSION_KEY_COLUMN =
            ConfigOptions.key("sink.dimension.key-column")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The column holding the dimension's key (a customer_id) when the"
                                    + " rows come from a dimension join: a change of the dimension"
                                    + " updates the rows already loaded with that key, instead of"
                                    + " the job re-sending each of them.");

    public static final ConfigOption<List<String>> DIMENSION_COLUMNS =
            ConfigOptions.key("sink.dimension.columns")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "The columns (separated by ';') computed from the dimension alone,"
                                    + " which its change rewrites in the rows already loaded.");

    /**
     * The column a dimension join adds to its rows: the version of the dimension row each was
     * joined with (rising per dimension key). Never written to the target.
     */
    public static final String VERSION_COLUMN = "__tributary_dim_version";

    /**
     * The column a dimension join adds to its rows: TRUE for a dimension's change (its key and the
     * columns derived from it; the rest NULL), FALSE for a joined row. Never written to the target.
     */
    public static final String CHANGE_COLUMN = "__tributary_dim_change";

    /**
     * The name a dimension join's operator starts with, by which the sinks recognise it upstream.
     */
    public static final String JOIN_NAME = "dimension join";

    /**
     * Whether {@code t} reaches the dimension join (a keyed two-input operator named {@link
     * #JOIN_NAME}) through one-input operators of parallelism {@code p} only: no exchange between,
     * so each row is still on the subtask that holds its dimension key, and a sink of parallelism
     * {@code p} can take the rows forward (chained, not serialized) instead of shuffling them.
     */
    public static boolean forwardFromJoin(Transformation<?> t, int p) {
        for (int depth = 0; depth < 64; depth++) {
            if (t.getParallelism() != p) {
                return false;
            }
            if (t instanceof TwoInputTransformation<?, ?, ?> two) {
                return two.getStateKeySelector1() != null && t.getName().startsWith(JOIN_NAME);
            }
            if (t instanceof PartitionTransformation<?> || t.getInputs().size() != 1) {
                return false;
            }
            t = t.getInputs().get(0);
        }
        return false;
    }
}
