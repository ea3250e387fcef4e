package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cdc benchmark in --quick mode: every contender counts exactly the snapshot rows and the
 * updates (none missed, none doubled), with more updates than rows so the generator's ids wrap and
 * several snapshot chunks per reader. No speed asserted.
 */
class CdcBenchmarkITCase {

    @TempDir Path out;

    @Test
    void quickCdcCountsEverySnapshotRowAndUpdateWithEachContender() throws Exception {
        assertThat(Bench.runCdc(6_000, 9_000, 1, 2, 1_000, true, out)).isTrue();
    }
}
