package io.tributary.connectors.cdc;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the binlog client's thread read and the source reader has not yet taken: the client's thread
 * adds, and waits while {@link #BUFFERED} items are waiting; the source reader takes all there are
 * at once.
 */
final class BinlogBuffer {

    /** Items read and not yet taken, at most: the binlog connection waits beyond it. */
    static final int BUFFERED = 16_384;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition taken = lock.newCondition();
    private final Condition added = lock.newCondition();
    private BinlogChanges waiting = new BinlogChanges(); // guarded by lock
    private volatile boolean closed;

    /**
     * Adds {@code items}, after waiting while the source reader is far behind (not once closed).
     */
    void add(List<Object> items) throws InterruptedException {
        lock.lock();
        try {
            while (!closed && waiting.size() >= BUFFERED) {
                taken.await(100, TimeUnit.MILLISECONDS);
            }
            waiting.items.addAll(items);
            added.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Everything waiting, after up to {@code waitMillis} for something; {@code null} if none. */
    BinlogChanges take(long waitMillis) throws InterruptedException {
        lock.lock();
        try {
            if (waiting.items.isEmpty() && waitMillis > 0) {
                added.await(waitMillis, TimeUnit.MILLISECONDS);
            }
            if (waiting.items.isEmpty()) {
                return null;
            }
            BinlogChanges b = waiting;
            waiting = new BinlogChanges();
            taken.signal();
            return b;
        } finally {
            lock.unlock();
        }
    }

    /** Stops {@link #add} from waiting: the source reader will take no more. */
    void close() {
        closed = true;
    }
}
