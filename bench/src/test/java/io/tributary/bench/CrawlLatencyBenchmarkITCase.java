package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crawl-latency benchmark in --quick mode: each file's partition (and, for the fourth, its new
 * column) reaches the catalog, and its first row (with the column's value) the warehouse, through a
 * continuous crawler and a pipeline reading the crawled table; the run fails on any file not seen
 * in both within 3 minutes. No speed asserted.
 */
class CrawlLatencyBenchmarkITCase {

    @TempDir Path out;

    @Test
    void everyFileReachesTheCatalogAndTheWarehouse() throws Exception {
        assertThat(CrawlLatencyBenchmark.run(4, "1 s", true, out)).isTrue();
    }
}
