package io.tributary.embedded;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/** Runs a Flink SQL query on the shared MiniCluster and reads its changelog row by row. */
final class ChangelogCollector implements AutoCloseable {

    private final TableResult result;
    private final CloseableIterator<Row> rows;

    private ChangelogCollector(TableResult result) {
        this.result = result;
        this.rows = result.collect();
    }

    /** A streaming TableEnvironment that submits to the shared MiniCluster like a remote client. */
    static TableEnvironment streamingTableEnv() {
        return SharedServices.flink()
                .streamingTableEnvironment(
                        java.util.Map.of(
                                "execution.checkpointing.interval", "1 s",
                                "parallelism.default", "1"));
    }

    /**
     * With a CDC table {@code customers} holding (1, 'Ada'): the snapshot row arrives, then an
     * insert, an update (before and after images) and a delete made through {@code db}, in order.
     */
    static void assertSnapshotThenChanges(TableEnvironment env, java.sql.Statement db)
            throws Exception {
        try (ChangelogCollector changes = query(env, "SELECT id, name FROM customers")) {
            org.assertj.core.api.Assertions.assertThat(changes.next(1))
                    .containsExactly("+I[1, Ada]");
            db.execute("INSERT INTO customers VALUES (2, 'Grace')");
            org.assertj.core.api.Assertions.assertThat(changes.next(1))
                    .containsExactly("+I[2, Grace]");
            db.execute("UPDATE customers SET name = 'Ada L.' WHERE id = 1");
            org.assertj.core.api.Assertions.assertThat(changes.next(2))
                    .containsExactly("-U[1, Ada]", "+U[1, Ada L.]");
            db.execute("DELETE FROM customers WHERE id = 2");
            org.assertj.core.api.Assertions.assertThat(changes.next(1))
                    .containsExactly("-D[2, Grace]");
        }
    }

    static ChangelogCollector query(TableEnvironment env, String sql) {
        return new ChangelogCollector(env.executeSql(sql));
    }

    /** Blocks until {@code n} more changes arrived, and returns them as "+I[...]" strings. */
    List<String> next(int n) {
        List<String> out = new ArrayList<>();
        while (out.size() < n && rows.hasNext()) {
            out.add(rows.next().toString());
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        rows.close();
        result.getJobClient().ifPresent(c -> c.cancel());
    }
}
