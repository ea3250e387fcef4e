package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark harness in --quick mode: every contender loads exactly the rows. No speed is
 * asserted.
 */
class LoadBenchmarkITCase {

    @TempDir Path out;

    @Test
    void quickRunLoadsEveryRowWithEachContender() throws Exception {
        assertThat(Bench.run("load", 20_000, 1, 4, 2, true, out)).isTrue();
    }

    @Test
    void expectedSumsComeFromTheGeneratorNotFromATable() {
        assertThat(BenchRows.expectedQuantitySum(10))
                .isEqualTo(1 + 2 + 3 + 4 + 5 + 1 + 2 + 3 + 4 + 5);
        StringBuilder json = new StringBuilder();
        BenchRows.json(1234, json);
        StringBuilder csv = new StringBuilder();
        BenchRows.csv(1234, csv);
        assertThat(json.toString())
                .isEqualTo(
                        "{\"order_id\":1234,\"customer_id\":2047,\"product\":\"kettle\",\"quantity\":5,"
                                + "\"unit_price\":184.53,\"ts\":\"2026-11-24 00:00:01.234\"}\n");
        assertThat(csv.toString()).isEqualTo("1234,2047,kettle,5,184.53,2026-11-24 00:00:01.234\n");
    }
}
