package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale benchmark in --quick mode: at 1×, 4× and 16× of 2,000 rows, the COPY limit and the sink
 * each load exactly the rows. No speed asserted.
 */
class ScaleBenchmarkITCase {

    @TempDir Path out;

    @Test
    void quickRunLoadsEverySizeExactly() throws Exception {
        assertThat(ScaleBenchmark.run(2_000, 4, 2, true, out)).isTrue();
    }
}
