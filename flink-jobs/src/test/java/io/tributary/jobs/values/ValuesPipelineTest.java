package io.tributary.jobs.values;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineException;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.translator.PipelineTranslator;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole pipelines (parse → translate → run) on the in-memory values connector: the reference
 * pipeline's join, a Glue-style mapping with a filter, and a changelog input, at unit speed.
 */
class ValuesPipelineTest {

    @TempDir Path home;

    private static final String REFERENCE_SHAPE =
            """
            version: 1
            name: values-reference
            settings:
              parallelism: 1
            sources:
              - name: sales
                type: values
                id: %1$s-sales
                columns: {order_id: BIGINT, customer_id: INT, quantity: INT, unit_price: "DECIMAL(10, 2)"}
                primary-key: [order_id]
              - name: customers
                type: values
                id: %1$s-customers
                columns: {id: INT NOT NULL, name: STRING, country: STRING}
                primary-key: [id]
            transforms:
              - name: enriched
                sql: |
                  SELECT s.order_id, c.name AS customer_name, c.country,
                         CAST(s.quantity * s.unit_price AS DECIMAL(12, 2)) AS amount
                  FROM sales AS s JOIN customers AS c ON s.customer_id = c.id
              - name: big
                from: enriched
                mappings:
                  - {source: order_id, target: order_id, type: BIGINT}
                  - {source: customer_name, target: who, type: STRING}
                  - {source: amount, target: amount, type: "DECIMAL(12, 2)"}
                filter: amount >= 10
            sinks:
              - name: out
                type: values
                from: enriched
                id: %1$s-out
                keys: [order_id]
              - name: big_out
                type: values
                from: big
                id: %1$s-big
            """;

    @Test
    void theReferenceJoinFollowsACustomerChangeAndKeepsOneRowPerOrder() throws Exception {
        referenceRows("ref");

        run(parse(REFERENCE_SHAPE.formatted("ref")), Map.of());

        assertThat(Values.sinkRows("ref-out")).containsExactlyInAnyOrderElementsOf(JOINED);
        assertThat(Values.sinkRows("ref-big"))
                .containsExactlyInAnyOrder(
                        Row.of(1L, "Ada L.", new BigDecimal("10.00")),
                        Row.of(3L, "Grace", new BigDecimal("10.00")));
    }

    @Test
    void theReferenceJoinKeepsItsStateInRocksDbWhenTheSettingsSaySo() throws Exception {
        referenceRows("rocks");
        PipelineDef pipeline =
                parse(
                        REFERENCE_SHAPE
                                .formatted("rocks")
                                .replace(
                                        "  parallelism: 1\n",
                                        "  parallelism: 1\n  state-backend: rocksdb\n"));
        Map<String, String> conf =
                PipelineTranslator.jobConfiguration(
                        pipeline, home.resolve("checkpoints").toUri().toString());
        assertThat(conf)
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("state.backend.incremental", "true");

        // the job runs with it: the backend's native library loads in the embedded cluster (a
        // backend Flink does not know fails the job)
        run(pipeline, conf);

        assertThat(Values.sinkRows("rocks-out")).containsExactlyInAnyOrderElementsOf(JOINED);
        // without the setting, the cluster's own default is left alone
        assertThat(
                        PipelineTranslator.jobConfiguration(
                                parse(REFERENCE_SHAPE.formatted("plain")), "file:/tmp/c"))
                .doesNotContainKey("state.backend.type");
    }

    /** The orders each customer's latest values give: customer 9 never exists. */
    private static final List<Row> JOINED =
            List.of(
                    Row.of(1L, "Ada L.", "FR", new BigDecimal("10.00")),
                    Row.of(2L, "Ada L.", "FR", new BigDecimal("3.50")),
                    Row.of(3L, "Grace", "US", new BigDecimal("10.00")));

    /** Sales and customers of the reference shape under {@code prefix}'s ids. */
    private static void referenceRows(String prefix) {
        Values.source(
                prefix + "-sales",
                List.of(
                        Row.of(1L, 7, 2, new BigDecimal("5.00")),
                        Row.of(2L, 7, 1, new BigDecimal("3.50")),
                        Row.of(3L, 8, 4, new BigDecimal("2.50")),
                        Row.of(4L, 9, 1, new BigDecimal("1.00")))); // customer 9 never exists
        Values.source(
                prefix + "-customers",
                List.of(
                        Row.ofKind(RowKind.INSERT, 7, "Ada", "UK"),
                        Row.ofKind(RowKind.INSERT, 8, "Grace", "US"),
                        // a change captured later: the orders already joined follow it
                        Row.ofKind(RowKind.UPDATE_BEFORE, 7, "Ada", "UK"),
                        Row.ofKind(RowKind.UPDATE_AFTER, 7, "Ada L.", "FR")));
    }

    @Test
    void aValuesBlockWithoutItsIdIsAnErrorAtItsLine() {
        String yaml = REFERENCE_SHAPE.formatted("broken").replace("    id: broken-customers\n", "");
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("values.yaml:")
                .hasMessageContaining("id: is required");
    }

    private PipelineDef parse(String yaml) {
        return new PipelineParser(n -> Optional.empty()).parse("values.yaml", yaml);
    }

    /** Runs {@code pipeline} to its end on the embedded cluster, with {@code conf} set. */
    private void run(PipelineDef pipeline, Map<String, String> conf) throws Exception {
        org.apache.flink.configuration.Configuration flink =
                new org.apache.flink.configuration.Configuration();
        conf.forEach(flink::setString);
        TableEnvironment env =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inStreamingMode()
                                .withConfiguration(flink)
                                .build());
        new PipelineTranslator(pipeline, home).translate(env).execute().await();
    }
}
