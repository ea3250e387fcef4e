package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.connectors.changes.DimensionChanges;
import io.tributary.connectors.redshift.internal.SinkSpec;
import java.util.List;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * The committer runs in a task of its own, at the writer's parallelism: a commit of seconds does
 * not stall the writer staging the next checkpoint (nor, through backpressure, the job). A
 * dimension join's rows reach the writer without an exchange where they may.
 */
class RedshiftSinkTopologyTest {

    @Test
    void theCommitterIsATaskOfItsOwnBesideEachWriter() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(10_000);
        RedshiftSink sink =
                RedshiftSink.builder()
                        .url("jdbc:postgresql://127.0.0.1:1/never")
                        .table("analytics", "events")
                        .rowType(RedshiftSinkFaultsITCase.ROW)
                        .keys(List.of("k"))
                        .build();
        env.fromSequence(0, 9)
                .map(RedshiftSinkFaultsITCase::change)
                .returns(InternalTypeInfo.<RowData>of(RedshiftSinkFaultsITCase.ROW))
                .sinkTo(sink)
                .setParallelism(3);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        JobVertex writer = vertex(graph, "Writer");
        JobVertex committer = vertex(graph, "Committer");
        assertThat(committer).isNotSameAs(writer);
        assertThat(writer.getName()).doesNotContain("Committer");
        assertThat(committer.getParallelism()).isEqualTo(writer.getParallelism()).isEqualTo(3);
    }

    /**
     * A dimension join's rows reach the writer forward, in the join's task, only when they are
     * still on the subtask of their customer: nothing but one-input operators of the writer's
     * parallelism between. Otherwise the writer keys them by their keys, as any input.
     */
    @Test
    void aDimensionJoinsRowsReachTheWriterInItsTaskOnlyWhenNothingMovesThemBetween() {
        assertThat(writerInput(2, 0, false)).isEqualTo("FORWARD");
        assertThat(writerInput(2, 2, false)).isEqualTo("FORWARD");
        assertThat(writerInput(2, 3, false)).as("a parallelism of its own").isEqualTo("HASH");
        assertThat(writerInput(2, 0, true)).as("an exchange between").isEqualTo("HASH");
    }

    /** Orders joined with their customer's name, as a dimension join gives them. */
    private static final RowType DIM_ROW = DimensionCommitITCase.ROW;

    /**
     * How the writer's input reaches it: FORWARD (then in the join's task, checked) or HASH.
     *
     * @param sinkParallelism 0: the input's, as the planner sets it when the sink has none
     */
    private static String writerInput(int parallelism, int sinkParallelism, boolean exchange) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.enableCheckpointing(10_000);
        Configuration o = new Configuration();
        o.setString("url", "jdbc:postgresql://127.0.0.1:1/never");
        o.setString("schema-name", "analytics");
        o.setString("table-name", "orders");
        o.setString(DimensionChanges.SINK_KEYS.key(), "order_id");
        o.setString(DimensionChanges.DIMENSION_KEY_COLUMN.key(), "customer_id");
        o.setString(DimensionChanges.DIMENSION_COLUMNS.key(), "customer_name");
        RedshiftSink sink =
                new RedshiftSink(new SinkSpec(o, DIM_ROW, List.of("order_id")), sinkParallelism);
        DataStream<RowData> rows =
                env.fromSequence(0, 9)
                        .map(i -> (RowData) GenericRowData.of(i, (int) (i % 3), null, 1, 1L, false))
                        .returns(InternalTypeInfo.<RowData>of(DIM_ROW));
        DataStream<RowData> joined =
                rows.keyBy(new Customer())
                        .connect(rows.keyBy(new Customer()))
                        .process(new PassOn(), InternalTypeInfo.<RowData>of(DIM_ROW))
                        .name(DimensionChanges.JOIN_NAME + ": sales with customers");
        if (exchange) {
            joined = joined.rebalance();
        }
        joined.map(r -> r)
                .returns(InternalTypeInfo.<RowData>of(DIM_ROW))
                .sinkTo(sink)
                .setParallelism(sinkParallelism == 0 ? parallelism : sinkParallelism);
        org.apache.flink.streaming.api.graph.StreamGraph stream = env.getStreamGraph();
        org.apache.flink.streaming.api.graph.StreamNode writer =
                stream.getStreamNodes().stream()
                        .filter(n -> n.getOperatorName().contains("Writer"))
                        .findFirst()
                        .orElseThrow();
        String input = writer.getInEdges().get(0).getPartitioner().toString();
        boolean inTheJoinsTask =
                vertex(stream.getJobGraph(), "Writer")
                        .getName()
                        .startsWith(DimensionChanges.JOIN_NAME);
        assertThat(inTheJoinsTask).isEqualTo(input.equals("FORWARD"));
        return input;
    }

    private static final class Customer implements KeySelector<RowData, Integer> {
        @Override
        public Integer getKey(RowData row) {
            return row.getInt(1);
        }
    }

    private static final class PassOn
            extends KeyedCoProcessFunction<Integer, RowData, RowData, RowData> {
        @Override
        public void processElement1(RowData r, Context ctx, Collector<RowData> out) {
            out.collect(r);
        }

        @Override
        public void processElement2(RowData r, Context ctx, Collector<RowData> out) {
            out.collect(r);
        }
    }

    private static JobVertex vertex(JobGraph graph, String part) {
        for (JobVertex v : graph.getVertices()) {
            if (v.getName().contains(part)) {
                return v;
            }
        }
        throw new AssertionError(
                "no vertex named *" + part + "* in " + List.of(graph.getVerticesAsArray()));
    }
}
