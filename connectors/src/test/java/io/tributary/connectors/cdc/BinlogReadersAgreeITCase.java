package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tributary's binlog reader ({@link BinlogChangeReader}) and Flink CDC's (Debezium's) read the same
 * binlog into the same change records: every MySQL type Debezium converts, nulls, multi-row events,
 * a key change, deletes, an added column mid-stream, and changes to a table not captured between
 * them. Any difference in a value, a type, a position or the source block fails the test.
 */
class BinlogReadersAgreeITCase {

    private static final int BEFORE_ALTER = 1 + 3 + 3 + 2 + 1;
    private static final int CHANGES = BEFORE_ALTER + 2 + 1;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void bothReadersGiveTheSameRecordsForTheSameBinlog() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("agree_shop");
        long from;
        try (Connection c = db.connect("agree_shop");
                Statement s = c.createStatement()) {
            s.execute(TypedTable.CREATE);
            s.execute("CREATE TABLE other (id INT PRIMARY KEY, v VARCHAR(10))");
            Thread.sleep(1100); // the binlog's timestamps are in seconds
            from = System.currentTimeMillis();
            Thread.sleep(1100);
            s.execute(TypedTable.INSERT_FULL_ROW);
            s.execute("INSERT INTO typed (id, note) VALUES (2, NULL), (3, 'three'), (4, 'four')");
            s.execute("BEGIN");
            s.execute("INSERT INTO other VALUES (1, 'not ours')");
            s.execute("UPDATE typed SET price = price + 1, note = CONCAT('u-', id) WHERE id > 1");
            s.execute("COMMIT");
            s.execute("UPDATE typed SET id = 40 WHERE id = 4"); // a key change: delete + create
            s.execute("DELETE FROM typed WHERE id = 2");
        }
        List<ChangeRecord> debezium = new ArrayList<>();
        List<ChangeRecord> tributary = new ArrayList<>();
        try (ChangeStream d = stream(db, from, CdcSourceBuilder.BinlogReader.DEBEZIUM);
                ChangeStream t = stream(db, from, CdcSourceBuilder.BinlogReader.TRIBUTARY)) {
            // both stream before the table changes (a capture cannot start behind an ALTER)
            read(d, BEFORE_ALTER, debezium);
            read(t, BEFORE_ALTER, tributary);
            try (Connection c = db.connect("agree_shop");
                    Statement s = c.createStatement()) {
                s.execute("ALTER TABLE typed ADD COLUMN added INT DEFAULT 7");
                s.execute("INSERT INTO typed (id, added) VALUES (5, 5), (6, NULL)");
                s.execute("UPDATE other SET v = 'still not'");
                s.execute("DELETE FROM typed WHERE id IN (1)");
            }
            read(d, CHANGES - BEFORE_ALTER, debezium);
            read(t, CHANGES - BEFORE_ALTER, tributary);
        }

        assertThat(debezium.stream().filter(r -> r.op() != ChangeOp.SCHEMA).count())
                .isEqualTo(CHANGES);
        assertThat(tributary).hasSameSizeAs(debezium);
        for (int i = 0; i < debezium.size(); i++) {
            ChangeRecord d = debezium.get(i);
            ChangeRecord t = tributary.get(i);
            String at = "record " + i + " (" + d + ")";
            assertThat(t.op()).as(at).isEqualTo(d.op());
            assertThat(t.shape().table()).as(at).isEqualTo(d.shape().table());
            assertThat(t.shape().columns()).as(at).isEqualTo(d.shape().columns());
            assertThat(t.shape().key()).as(at).isEqualTo(d.shape().key());
            assertThat(t.shape().version()).as(at).isEqualTo(d.shape().version());
            assertThat(Arrays.deepToString(t.before()))
                    .as(at)
                    .isEqualTo(Arrays.deepToString(d.before()));
            assertThat(Arrays.deepToString(t.after()))
                    .as(at)
                    .isEqualTo(Arrays.deepToString(d.after()));
            assertThat(TypedTable.classes(t.after()))
                    .as(at)
                    .isEqualTo(TypedTable.classes(d.after()));
            assertThat(t.position()).as(at).isEqualTo(d.position());
            assertThat(t.commitMillis()).as(at).isEqualTo(d.commitMillis());
            assertThat(t.source()).as(at).isEqualTo(d.source());
        }
        // the added column arrived as a new shape, in both
        assertThat(tributary.get(tributary.size() - 2).shape().columns())
                .anyMatch(col -> col.name().equals("added"));
    }

    private static ChangeStream stream(
            MariaDbService db, long from, CdcSourceBuilder.BinlogReader reader) throws Exception {
        CdcConnection conn = CdcConnection.parse(db.jdbcUrl("agree_shop"), null, null);
        return new ChangeStream(
                CdcSourceBuilder.forConnection(conn)
                        .tables("agree_shop.typed")
                        .startupTimestamp(from)
                        .binlogReader(reader)
                        .build(),
                1);
    }

    /** The next {@code rows} row changes, and the schema changes among them. */
    private static void read(ChangeStream changes, int rows, List<ChangeRecord> out) {
        int n = 0;
        while (n < rows) {
            ChangeRecord r = changes.next(1).get(0);
            out.add(r);
            if (r.op() != ChangeOp.SCHEMA) {
                n++;
            }
        }
    }
}
