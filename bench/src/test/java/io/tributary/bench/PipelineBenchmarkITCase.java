package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline benchmark in --quick mode: every contender's warehouse table holds every order once,
 * enriched, and the renamed customers' orders all show the new name; so does the shipped pipeline's
 * lake table (its rewrite of a customer's change). No speed asserted.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipelineBenchmarkITCase {

    @TempDir Path out;

    @Test
    void quickRunLoadsAndRenamesInEveryContendersWarehouse() throws Exception {
        assertThat(PipelineBenchmark.quick(PipelineBenchmark.Contenders.PIPELINE, out)).isTrue();
    }
}
