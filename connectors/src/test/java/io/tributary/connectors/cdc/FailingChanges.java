package io.tributary.connectors.cdc;

import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.embedded.SharedServices;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;

/**
 * Passes change records on and fails its task at a random record of each attempt (the {@code
 * from}..{@code from + spread} th after the (re)start, drawn from the seed and the attempt number)
 * until it has failed {@code failures} times. Counts are per name, in this JVM (the embedded Flink
 * runs in the test's).
 */
public final class FailingChanges extends RichMapFunction<ChangeRecord, ChangeRecord> {

    private static final long serialVersionUID = 1L;
    private static final Map<String, AtomicInteger> INJECTED = new ConcurrentHashMap<>();

    private final String name;
    private final long seed;
    private final int failures;
    private final int from;
    private final int spread;
    private transient long seen;
    private transient long failAt;

    public FailingChanges(String name, long seed, int failures, int from, int spread) {
        this.name = name;
        this.seed = seed;
        this.failures = failures;
        this.from = from;
        this.spread = spread;
        INJECTED.put(name, new AtomicInteger());
    }

    /**
     * The embedded Flink's client configuration for a job with injected failures: checkpoints every
     * 300 ms, a restart 500 ms after each failure, up to 100.
     */
    public static Configuration jobConfiguration() {
        Configuration conf = SharedServices.flink().clientConfiguration();
        conf.setString("execution.checkpointing.interval", "300 ms");
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "100");
        conf.setString("restart-strategy.fixed-delay.delay", "500 ms");
        return conf;
    }

    /** Failures injected so far by the instances named {@code name}. */
    public static int injected(String name) {
        AtomicInteger n = INJECTED.get(name);
        return n == null ? 0 : n.get();
    }

    @Override
    public void open(OpenContext context) {
        int attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
        failAt = from + new Random(seed * 31 + attempt).nextInt(spread);
        seen = 0;
    }

    @Override
    public ChangeRecord map(ChangeRecord r) {
        AtomicInteger injected = INJECTED.get(name);
        if (++seen == failAt && injected.get() < failures) {
            throw new IllegalStateException(
                    "injected failure #"
                            + injected.incrementAndGet()
                            + " ("
                            + name
                            + ") at "
                            + r.op()
                            + " "
                            + Arrays.toString(r.key()));
        }
        return r;
    }
}
