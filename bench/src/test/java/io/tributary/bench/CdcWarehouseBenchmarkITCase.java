package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cdc-warehouse benchmark in --quick mode: under a small update load, each contender's
 * PostgreSQL table ends equal to the MariaDB table (rows and total amount) and every probe is seen.
 * No speed asserted.
 */
class CdcWarehouseBenchmarkITCase {

    @TempDir Path out;

    @Test
    void quickRunLeavesEachWarehouseTableEqualToTheSource() throws Exception {
        assertThat(CdcWarehouseBenchmark.run(2_000, 1_000, 3, "1 s", 1, true, out)).isTrue();
    }
}
