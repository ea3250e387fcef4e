package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake benchmark in --quick mode: the limit, the lake sink and Flink's filesystem Parquet sink
 * each write exactly the rows, and the streaming run with compaction compacts every partition (the
 * compaction writes at most two files in each). No speed asserted; Spark's read times are left to
 * the full run.
 */
class LakeBenchmarkITCase {

    @TempDir Path out;

    @Test
    void quickRunWritesEveryRowAndCompacts() throws Exception {
        assertThat(LakeBenchmark.run(20_000, 1, 15, 500, true, out)).isTrue();
    }
}
