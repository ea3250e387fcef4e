package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Changes {@code orders(id, qty)} (ids 1..rows to start with) one statement at a time until
 * stopped: mostly an update of a random live row, every 5th an insert, every 7th a delete of a
 * random live row, ~2 ms apart; remembers the id of each statement (the same SQL on MariaDB and
 * PostgreSQL).
 */
public final class OrdersWriter implements Runnable {

    public final List<Integer> inserted = Collections.synchronizedList(new ArrayList<>());
    public final List<Integer> updated = Collections.synchronizedList(new ArrayList<>());
    public final List<Integer> deleted = Collections.synchronizedList(new ArrayList<>());
    private final Callable<Connection> connect;
    private final int rows;
    private final Random random;
    private volatile boolean stop;
    private volatile Throwable failure;

    public OrdersWriter(Callable<Connection> connect, int rows, long seed) {
        this.connect = connect;
        this.rows = rows;
        this.random = new Random(seed);
    }

    public void stop() {
        stop = true;
    }

    /** Why the writer stopped on its own, or null. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Writes on a thread of its own until {@code done} holds (polled every 200 ms, at most {@code
     * within}), then stops; fails when the writer stopped on its own or {@code done} never held.
     */
    public void writeUntil(BooleanSupplier done, Duration within) throws InterruptedException {
        Thread writing = new Thread(this, "row-writer");
        writing.start();
        try {
            await().atMost(within)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> failure != null || done.getAsBoolean());
        } finally {
            stop();
            writing.join(TimeUnit.MINUTES.toMillis(1));
        }
        assertThat(failure).as("writer").isNull();
    }

    /** Statements made so far. */
    public int statements() {
        return inserted.size() + updated.size() + deleted.size();
    }

    @Override
    public void run() {
        List<Integer> live = new ArrayList<>();
        for (int i = 1; i <= rows; i++) {
            live.add(i);
        }
        try (Connection c = connect.call();
                Statement w = c.createStatement()) {
            for (int i = 1; !stop && i < 200_000; i++) {
                if (i % 5 == 0) {
                    int id = rows + i;
                    w.execute("INSERT INTO orders VALUES (" + id + ", " + i % 11 + ")");
                    live.add(id);
                    inserted.add(id);
                } else if (i % 7 == 0) {
                    int id = live.remove(random.nextInt(live.size()));
                    w.execute("DELETE FROM orders WHERE id = " + id);
                    deleted.add(id);
                } else {
                    int id = live.get(random.nextInt(live.size()));
                    w.execute("UPDATE orders SET qty = qty + 1 WHERE id = " + id);
                    updated.add(id);
                }
                Thread.sleep(2);
            }
        } catch (Throwable t) {
            failure = t;
        }
    }
}
