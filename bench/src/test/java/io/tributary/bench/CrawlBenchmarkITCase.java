package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crawl benchmark in --quick mode: every contender sees every file. No speed asserted. */
class CrawlBenchmarkITCase {

    @TempDir Path out;

    @Test
    void quickCrawlFindsEveryFileWithEachContender() throws Exception {
        assertThat(Bench.runCrawl(200, 1, true, out)).isTrue();
    }
}
