package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An initial snapshot in chunks while the table changes: Flink CDC's binlog reader catches the
 * chunks up, and once its position passes every chunk's high watermark it hands the split to
 * Tributary's reader. Every row's quantity only ever goes up by one, so the stream of each row (its
 * snapshot value, then its changes) must count up by one, with no gap (a change lost) and no repeat
 * (a change doubled), to the value the table holds at the end.
 */
class BinlogReaderTakesOverITCase {

    private static final int ROWS = 1_000;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void changesDuringTheSnapshotAndAfterTheHandOverArriveOnceEach() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("takeover_shop");
        try (Connection c = db.connect("takeover_shop");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id INT PRIMARY KEY, qty INT NOT NULL)");
            s.execute("INSERT INTO items SELECT seq, 0 FROM seq_1_to_" + ROWS);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer =
                new Thread(
                        () -> {
                            try (Connection c = db.connect("takeover_shop");
                                    Statement s = c.createStatement()) {
                                for (int i = 0; writing.get(); i++) {
                                    // a range of rows, moving through the table: every chunk
                                    // changes while the snapshot reads
                                    int from = (i * 37) % ROWS;
                                    s.execute(
                                            "UPDATE items SET qty = qty + 1 WHERE id > "
                                                    + from
                                                    + " AND id <= "
                                                    + (from + 50));
                                    Thread.sleep(5); // a busy table, not a flood
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "writer");
        Map<Integer, Integer> last = new HashMap<>();
        List<String> broken = new ArrayList<>();
        CdcConnection conn = CdcConnection.parse(db.jdbcUrl("takeover_shop"), null, null);
        writer.start();
        try (ChangeStream changes =
                new ChangeStream(
                        CdcSourceBuilder.forConnection(conn)
                                .tables("takeover_shop.items")
                                .splitSize(100)
                                .build(),
                        2)) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (changes.metric(MySqlChangeSource.BINLOG_HAND_OVERS) < 1 || last.size() < ROWS) {
                assertThat(System.nanoTime())
                        .as(
                                "the hand-over within 2 minutes (%d rows seen, hand-overs %d)",
                                last.size(), changes.metric(MySqlChangeSource.BINLOG_HAND_OVERS))
                        .isLessThan(deadline);
                follow(changes.next(500), last, broken);
            }
            // a while on Tributary's reader, then the table still
            for (int i = 0; i < 4; i++) {
                follow(changes.next(500), last, broken);
            }
            writing.set(false);
            writer.join();
            Map<Integer, Integer> table = new HashMap<>();
            try (Connection c = db.connect("takeover_shop");
                    Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT id, qty FROM items")) {
                    while (rs.next()) {
                        table.put(rs.getInt(1), rs.getInt(2));
                    }
                }
                // the last change: everything before it has arrived when it has
                s.execute("INSERT INTO items VALUES (" + (ROWS + 1) + ", 0)");
            }
            while (!last.containsKey(ROWS + 1)) {
                follow(changes.next(1), last, broken);
            }
            last.remove(ROWS + 1);
            assertThat(broken).as("changes out of step").isEmpty();
            assertThat(last).isEqualTo(table);
            assertThat(changes.metric(MySqlChangeSource.TRIBUTARY_BINLOG_READER)).isEqualTo(1);
        } finally {
            writing.set(false);
            writer.join();
        }
    }

    private static void follow(
            List<ChangeRecord> records, Map<Integer, Integer> last, List<String> broken) {
        for (ChangeRecord r : records) {
            if (r.op() == ChangeOp.SCHEMA) {
                continue;
            }
            int id = (Integer) r.after()[0];
            int qty = (Integer) r.after()[1];
            Integer before = last.put(id, qty);
            boolean inStep =
                    switch (r.op()) {
                        case READ -> before == null;
                        case CREATE -> before == null && qty == 0; // the last change
                        default -> before != null && qty == before + 1;
                    };
            if (!inStep) {
                broken.add(r.op() + " of row " + id + ": " + before + " then " + qty);
            }
        }
    }
}
