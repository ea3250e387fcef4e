package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** InnoDB's estimate of a table's rows, which Flink CDC's chunk splitter sizes its chunks by. */
final class TableStats {

    private TableStats() {}

    /**
     * Refreshes the estimate of a table just filled and checks it counts every row. Left to
     * InnoDB's background statistics, a snapshot started at once may see 0 rows, and Flink CDC then
     * splits the table into unevenly sized chunks (one more of them than evenly sized ones, here):
     * a test counting chunks would count a different number on a busier machine.
     */
    static void analyze(Statement s, String table, long rows) throws SQLException {
        s.execute("ANALYZE TABLE `" + table + "`");
        try (ResultSet rs = s.executeQuery("SHOW TABLE STATUS LIKE '" + table + "'")) {
            assertThat(rs.next()).as("table %s", table).isTrue();
            assertThat(rs.getLong("Rows"))
                    .as("InnoDB's row estimate of %s after ANALYZE TABLE", table)
                    .isEqualTo(rows);
        }
    }
}
