package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A snapshot while another table on the server takes writes all the time: the binlog position moves
 * during the chunks, but not with a change to the snapshot's table, so Tributary's chunk reader
 * keeps every chunk (none goes to Flink CDC's reader), and the snapshot holds each row once (a row
 * inserted after it comes after every row of it).
 */
class SnapshotOnBusyServerITCase {

    private static final int ROWS = 2_000;
    private static final int CHUNK = 100;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void chunksOfATableNoOneChangesStayOnTributarysReader() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("busy_shop");
        try (Connection c = db.connect("busy_shop");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE quiet (id INT PRIMARY KEY, v VARCHAR(20))");
            s.execute("INSERT INTO quiet SELECT seq, CONCAT('v', seq) FROM seq_1_to_" + ROWS);
            s.execute("CREATE TABLE busy (id INT PRIMARY KEY, n INT)");
            s.execute("INSERT INTO busy VALUES (1, 0)");
            TableStats.analyze(s, "quiet", ROWS);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong commits = new AtomicLong();
        Thread writer =
                new Thread(
                        () -> {
                            try (Connection c = db.connect("busy_shop");
                                    Statement s = c.createStatement()) {
                                while (writing.get()) {
                                    s.execute("UPDATE busy SET n = n + 1 WHERE id = 1");
                                    commits.incrementAndGet();
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "busy-writer");
        CdcConnection conn = CdcConnection.parse(db.jdbcUrl("busy_shop"), null, null);
        Map<Integer, Integer> reads = new HashMap<>();
        writer.start();
        try (ChangeStream changes =
                new ChangeStream(
                        CdcSourceBuilder.forConnection(conn)
                                .tables("busy_shop.quiet")
                                .splitSize(CHUNK)
                                .build(),
                        1)) {
            while (reads.size() < ROWS) {
                // one at a time: nothing follows the snapshot, a larger batch would wait for it
                for (ChangeRecord r : changes.next(1)) {
                    count(r, reads);
                }
            }
            // a row inserted now comes after the snapshot: a chunk read twice shows before it
            try (Connection c = db.connect("busy_shop");
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO quiet VALUES (" + (ROWS + 1) + ", 'after')");
            }
            for (ChangeRecord r :
                    changes.until(
                            r -> r.op() == ChangeOp.CREATE && r.after()[0].equals(ROWS + 1))) {
                if (r.op() != ChangeOp.CREATE) {
                    count(r, reads);
                }
            }
            // evenly sized chunks, as the row estimate is exact (TableStats)
            long expected = ROWS / CHUNK;
            long chunks =
                    changes.metricOnceAtLeast(MySqlChangeSource.SNAPSHOT_CHUNKS_READ, expected);
            assertThat(reads).hasSize(ROWS).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
            assertThat(chunks)
                    .as("chunks Tributary's reader kept (%d commits elsewhere)", commits.get())
                    .isEqualTo(expected);
            assertThat(changes.metric(MySqlChangeSource.SNAPSHOT_CHUNKS_BACKFILLED)).isZero();
            assertThat(changes.metric(MySqlChangeSource.SNAPSHOT_CHUNKS_BINLOG_MOVED))
                    .as("chunks the binlog moved during (the writer commits without pause)")
                    .isPositive();
        } finally {
            writing.set(false);
            writer.join();
        }
    }

    private static void count(ChangeRecord r, Map<Integer, Integer> reads) {
        if (r.op() != ChangeOp.SCHEMA) {
            assertThat(r.op()).as("%s", r).isEqualTo(ChangeOp.READ);
            reads.merge((Integer) r.after()[0], 1, Integer::sum);
        }
    }
}
