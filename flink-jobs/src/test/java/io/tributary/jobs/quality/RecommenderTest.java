package io.tributary.jobs.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.Test;

/** Rulesets recommended from a profile of rows: what they propose, and that they parse. */
class RecommenderTest {

    @Test
    void proposesRulesTheProfiledRowsPassAndNeverListsATaggedColumnsValues() throws Exception {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.executeSql(
                "CREATE TEMPORARY VIEW orders AS SELECT * FROM (VALUES"
                        + " (1, 'DE', 'ada@example.com', CAST(2.50 AS DECIMAL(10,2)), 'x'),"
                        + " (2, 'US', 'ada@example.com', CAST(10.00 AS DECIMAL(10,2)), CAST(NULL"
                        + " AS STRING)),"
                        + " (3, 'DE', 'ada@example.com', CAST(7.25 AS DECIMAL(10,2)), 'yy'),"
                        + " (4, 'US', 'bob@example.com', CAST(2.50 AS DECIMAL(10,2)), 'zzz'),"
                        + " (5, 'DE', 'bob@example.com', CAST(3.00 AS DECIMAL(10,2)), 'x'))"
                        + " AS t(order_id, country, `e-mail`, amount, note)");
        Recommender.Recommendation r =
                Recommender.recommend(env, "orders", 1000, Map.of("e-mail", "EMAIL"));

        assertThat(r.rows()).isEqualTo(5);
        assertThat(r.rules())
                .containsExactly(
                        "ColumnCount = 5",
                        "IsComplete \"order_id\"",
                        "IsUnique \"order_id\"",
                        "ColumnValues \"order_id\" between 1 and 5",
                        "IsComplete \"country\"",
                        "ColumnLength \"country\" = 2",
                        "ColumnValues \"country\" in [\"DE\", \"US\"]",
                        "IsComplete \"e-mail\"",
                        "ColumnLength \"e-mail\" = 15",
                        "IsComplete \"amount\"",
                        "ColumnValues \"amount\" between 2.5 and 10",
                        "Completeness \"note\" >= 0.80",
                        "ColumnLength \"note\" between 1 and 3");
        String dqdl = r.dqdl("shop.orders");
        assertThat(dqdl).doesNotContain("example.com").startsWith("# Recommended for shop.orders");
        assertThat(Dqdl.parse(dqdl)).hasSize(13);
    }

    @Test
    void anEmptyTableGetsTheColumnCountOnly() throws Exception {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.executeSql(
                "CREATE TEMPORARY VIEW empty_t AS SELECT * FROM (VALUES (1, 'a')) AS t(id, name)"
                        + " WHERE id > 1");
        Recommender.Recommendation r = Recommender.recommend(env, "empty_t", 10, Map.of());
        assertThat(r.rows()).isZero();
        assertThat(r.rules()).containsExactly("ColumnCount = 2");
    }
}
