package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.junit.jupiter.api.Test;

/**
 * The committer runs in a task of its own, at the writer's parallelism: a commit of seconds does
 * not stall the writer staging the next checkpoint (nor, through backpressure, the job).
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
