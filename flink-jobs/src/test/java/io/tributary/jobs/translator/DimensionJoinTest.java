package io.tributary.jobs.translator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineException;
import io.tributary.jobs.definition.PipelineParser;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.junit.jupiter.api.Test;

/**
 * What {@code join-state: dimension} makes of the reference pipeline's join (no join state of
 * orders; the select list kept; the warehouse sink told which columns a customer's change
 * rewrites), and the queries it refuses, each with its reason at the pipeline's line.
 */
class DimensionJoinTest {

    private static final String REFERENCE_SQL =
            "      SELECT s.order_id, s.customer_id, c.name AS customer_name, c.country,\n"
                    + "             s.product, s.quantity, s.unit_price,\n"
                    + "             CAST(s.quantity * s.unit_price AS DECIMAL(12, 2)) AS amount,\n"
                    + "             s.ts AS ordered_at, s.dt\n"
                    + "      FROM sales AS s\n"
                    + "      JOIN customers AS c ON s.customer_id = c.id\n";

    /** The reference pipeline (join-state: dimension); {@code lake} keeps its lake sink. */
    private static String pipeline(String sql, boolean lake) throws Exception {
        String text = Files.readString(PipelineTranslatorTest.example());
        if (!lake) {
            text = text.substring(0, text.indexOf("\n  # The same rows as an Apache Iceberg") + 1);
        }
        // as shipped
        assertThat(text).contains(REFERENCE_SQL).contains("    join-state: dimension\n");
        return text.replace(REFERENCE_SQL, sql);
    }

    private static PipelineTranslator translator(String text) {
        PipelineDef def =
                new PipelineParser(n -> Optional.ofNullable(PipelineTranslatorTest.VARS.get(n)))
                        .parse("pipeline.yaml", text);
        return new PipelineTranslator(def, Paths.get("/tmp/home"));
    }

    private static StreamTableEnvironment env() {
        return StreamTableEnvironment.create(
                StreamExecutionEnvironment.getExecutionEnvironment(new Configuration()));
    }

    @Test
    void theReferenceJoinKeepsNoOrderInStateAndTellsTheSinkWhatAChangeRewrites() throws Exception {
        PipelineTranslator t = translator(pipeline(REFERENCE_SQL, false));
        StreamExecutionEnvironment streams =
                StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        StreamTableEnvironment env = StreamTableEnvironment.create(streams);
        org.apache.flink.table.api.bridge.java.StreamStatementSet inserts =
                (org.apache.flink.table.api.bridge.java.StreamStatementSet) t.translate(env);
        String explained = inserts.explain();
        // the planner joins nothing: the operator did, and the select list reads its unnested
        // rows, once: the warehouse and its quarantine read its result (without the boundary,
        // the planner gave each insert its own UNNESTs)
        assertThat(explained).doesNotContain("Join(").doesNotContain("Correlate");
        assertThat(env.explainSql("SELECT * FROM `sales_enriched__select`"))
                .doesNotContain("Join(")
                .contains("Correlate");
        inserts.attachAsDataStream();
        org.apache.flink.streaming.api.graph.StreamGraph graph = streams.getStreamGraph();
        assertThat(
                        graph.getStreamNodes().stream()
                                .filter(n -> n.getOperatorName().startsWith("Correlate"))
                                .count())
                .as("UNNESTs in the job")
                .isEqualTo(2);
        // the warehouse's writer takes the join's rows in the join's task: no exchange (each
        // row is on its customer's subtask, which keeps each key's rows in one writer)
        assertThat(graph.getJobGraph().getVertices())
                .as("the job's tasks")
                .anySatisfy(
                        v ->
                                assertThat(v.getName())
                                        .startsWith("dimension join")
                                        .contains("sink_warehouse")
                                        .contains("Writer"));
        String plan = String.join("\n", t.plan());
        assertThat(plan)
                .contains("join-state dimension")
                .contains("a change rewrites customer_name, country of the loaded rows")
                .contains("'sink.dimension.key-column' = 'customer_id'")
                .contains("'sink.dimension.columns' = 'customer_name;country'")
                .contains("'sink.keys' = 'order_id'")
                .doesNotContain("very-secret");
        // the warehouse's table has no primary key in Flink (a change has no order_id); the
        // sink writes by sink.keys
        int sink = plan.indexOf("CREATE TEMPORARY TABLE `sink_warehouse`");
        assertThat(sink).isPositive();
        assertThat(plan.substring(sink, plan.indexOf(") WITH", sink)))
                .doesNotContain("PRIMARY KEY");
        assertThat(env.from("sales_enriched").getResolvedSchema().getColumnNames())
                .containsExactly(
                        "order_id",
                        "customer_id",
                        "customer_name",
                        "country",
                        "product",
                        "quantity",
                        "unit_price",
                        "amount",
                        "ordered_at",
                        "dt",
                        "__tributary_dim_version",
                        "__tributary_dim_change");
    }

    private static void assertRefused(String text, String reason) {
        assertThatThrownBy(() -> translator(text).translate(env()))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("join-state")
                .hasMessageContaining(reason);
    }

    @Test
    void whatItCannotServeIsRefusedWithTheReason() throws Exception {
        assertRefused(
                pipeline(
                        REFERENCE_SQL.replace("c.id\n", "c.id\n      WHERE s.quantity > 1\n"),
                        false),
                "WHERE clause");
        assertRefused(
                pipeline(
                        REFERENCE_SQL.replace(
                                "c.country,", "c.country, CONCAT(c.name, s.product) AS label,"),
                        false),
                "label mix both sides");
        assertRefused(
                pipeline(
                        REFERENCE_SQL.replace("      JOIN customers", "      LEFT JOIN customers"),
                        false),
                "inner JOIN");
        assertRefused(
                pipeline(
                        REFERENCE_SQL.replace("SELECT s.order_id, s.customer_id,", "SELECT *,"),
                        false),
                "bare *");
        assertRefused(
                pipeline(REFERENCE_SQL.replace("s.order_id, s.customer_id,", "s.order_id,"), false),
                "no column that is the facts' customer_id");
    }

    @Test
    void theLakeSinkIsToldWhatAChangeRewritesToo() throws Exception {
        PipelineTranslator t = translator(pipeline(REFERENCE_SQL, true));
        t.translate(env());
        String plan = String.join("\n", t.plan());
        int sink = plan.indexOf("CREATE TEMPORARY TABLE `sink_lake`");
        assertThat(sink).isPositive();
        String lake = plan.substring(sink, plan.indexOf("\n)", plan.indexOf(") WITH", sink) + 6));
        assertThat(lake)
                .doesNotContain("PRIMARY KEY")
                .contains("'connector' = 'tributary-lake'")
                .contains("'sink.dimension.key-column' = 'customer_id'")
                .contains("'sink.dimension.columns' = 'customer_name;country'")
                .contains("'sink.keys' = 'order_id;dt'");
    }
}
