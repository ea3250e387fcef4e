package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality benchmark in --quick mode: the guarded reference pipeline (10 DQDL rules, 2 pii
 * actions; its warehouse's gate holding windows back, or recording them only) and the same pipeline
 * without them each load every order once and follow a rename; the edited files parse. No speed
 * asserted.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QualityBenchmarkITCase {

    @TempDir Path out;

    @Test
    void quickRunLoadsEveryOrderWithAndWithoutTheRuleset() throws Exception {
        assertThat(PipelineBenchmark.qualityPipeline(true))
                .contains("ColumnLength \"country\" = 2")
                .contains("product: {action: partial-redact, keep: 3}")
                .contains("gate: hold");
        assertThat(PipelineBenchmark.qualityPipeline(true, false))
                .contains("ColumnLength \"country\" = 2", "gate: record")
                .doesNotContain("gate: hold");
        assertThat(PipelineBenchmark.qualityPipeline(false)).doesNotContain("quality:", "pii:");
        // --split's parts: the rules without the pii block, the pii block without a ruleset
        assertThat(PipelineBenchmark.withoutPii())
                .contains("ColumnLength \"country\" = 2", "gate: record", "\nsinks:")
                .doesNotContain("pii:", "sha256");
        assertThat(PipelineBenchmark.withoutRules())
                .contains("pii:", "customer_email: sha256", "partial-redact", "\nsinks:")
                .doesNotContain("quality:", "Rules", "gate:");
        assertThat(PipelineBenchmark.quick(PipelineBenchmark.Contenders.QUALITY, out)).isTrue();
    }
}
