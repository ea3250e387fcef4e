package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale benchmark in --quick mode: at 1×, 4× and 16× of 2,000 rows, the COPY limit and the sink
 * each load exactly the rows; on a standalone cluster of two TaskManagers (separate JVMs), the
 * reference pipeline at parallelism 1 and 2 each load every order once and follow a rename. No
 * speed asserted.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScaleBenchmarkITCase {

    @TempDir Path out;

    @Test
    void quickRunLoadsEverySizeExactly() throws Exception {
        assertThat(ScaleBenchmark.run(2_000, 4, 2, true, out)).isTrue();
    }

    @Test
    void quickRunOnAStandaloneClusterLoadsEveryOrderAtParallelismOneAndTwo() throws Exception {
        assertThat(PipelineBenchmark.cluster(20_000, 4, 500, 1, "1 s", 512, true, out)).isTrue();
    }
}
