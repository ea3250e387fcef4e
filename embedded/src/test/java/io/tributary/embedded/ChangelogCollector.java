package io.tributary.embedded;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.EnvironmentSettings;
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
        var conf = SharedServices.flink().clientConfiguration();
        conf.setString("execution.checkpointing.interval", "1 s");
        conf.setString("parallelism.default", "1");
        return TableEnvironment.create(
                EnvironmentSettings.newInstance()
                        .inStreamingMode()
                        .withConfiguration(conf)
                        .build());
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
