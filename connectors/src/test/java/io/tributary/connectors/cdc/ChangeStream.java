package io.tributary.connectors.cdc;

import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.embedded.SharedServices;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/** Runs a CDC source on the shared MiniCluster and hands its change records to a test. */
final class ChangeStream implements AutoCloseable {

    private final CloseableIterator<ChangeRecord> records;
    private final JobClient job;

    ChangeStream(Source<ChangeRecord, ?, ?> source, int parallelism) throws Exception {
        Configuration conf = SharedServices.flink().clientConfiguration();
        conf.setString("execution.checkpointing.interval", "500 ms");
        conf.setString("restart-strategy.type", "none");
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        records =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "cdc")
                        .setParallelism(parallelism)
                        .collectAsync();
        job = env.executeAsync("cdc-test");
    }

    /** The next {@code n} records (blocks). */
    List<ChangeRecord> next(int n) {
        List<ChangeRecord> out = new ArrayList<>();
        while (out.size() < n && records.hasNext()) {
            out.add(records.next());
        }
        return out;
    }

    /** Records up to and including the first that matches {@code last} (blocks). */
    List<ChangeRecord> until(Predicate<ChangeRecord> last) {
        List<ChangeRecord> out = new ArrayList<>();
        while (records.hasNext()) {
            ChangeRecord r = records.next();
            out.add(r);
            if (last.test(r)) {
                return out;
            }
        }
        return out;
    }

    /**
     * The source's {@code streaming} metric (the greatest over its readers) as Flink's REST API
     * shows it now; -1 before it shows.
     */
    long streaming() throws Exception {
        return JobMetrics.get(job.getJobID(), ProgressSource.STREAMING, "max");
    }

    /** A source metric (the greatest over its readers) as Flink's REST API shows it; -1 before. */
    long metric(String name) throws Exception {
        return JobMetrics.get(job.getJobID(), name, "max");
    }

    /**
     * A source metric once it reaches {@code expected} (Flink's REST API shows metrics late), or as
     * it is after 60 s, for the assertion that follows to print.
     */
    long metricOnceAtLeast(String name, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long v = metric(name);
        while (v < expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
            v = metric(name);
        }
        return v;
    }

    @Override
    public void close() throws Exception {
        try {
            job.cancel().get();
        } finally {
            records.close();
        }
        // and its end: a job started at once would otherwise overlap this one's shutdown (its
        // tasks interrupted while their connections to the database close)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!job.getJobStatus().get().isGloballyTerminalState()
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
