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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tributary's snapshot chunk reader ({@link SnapshotChunkReader}) and Flink CDC's (Debezium's)
 * snapshot the same table, chunk by chunk, into the same change records: every MySQL type Debezium
 * converts, nulls, defaults, UTF-8 text and binary. Any difference in a value, its class, the
 * shape, the position or the source block fails the test. Then a row inserted after the snapshot
 * arrives once, as a create, under both: the chunks' high watermarks hand the binlog over exactly.
 */
class SnapshotReadersAgreeITCase {

    private static final int ROWS = 7;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void bothReadersSnapshotTheSameRecords() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("snap_agree");
        try (Connection c = db.connect("snap_agree");
                Statement s = c.createStatement()) {
            s.execute(TypedTable.CREATE);
            s.execute(TypedTable.INSERT_FULL_ROW);
            s.execute(
                    "INSERT INTO typed (id, note, t, day, at) VALUES (2, NULL, '-838:59:59',"
                            + " '1970-01-01', '1999-12-31 23:59:59.999'), (3, 'three', '00:00:00',"
                            + " '2000-02-29', NULL), (4, 'four', NULL, NULL, NULL)");
            s.execute(
                    "INSERT INTO typed (id, tiny, small, big) VALUES (5, 0, 0, 0), (6, NULL,"
                            + " 1, -1), (7, 127, 65535, 9223372036854775807)");
            TableStats.analyze(s, "typed", ROWS);
        }
        List<ChangeRecord> debezium;
        List<ChangeRecord> tributary;
        long before = System.currentTimeMillis();
        try (ChangeStream d = stream(db, CdcSourceBuilder.BinlogReader.DEBEZIUM);
                ChangeStream t = stream(db, CdcSourceBuilder.BinlogReader.TRIBUTARY)) {
            debezium = reads(d);
            tributary = reads(t);
            long after = System.currentTimeMillis();
            assertThat(t.metricOnceAtLeast(MySqlChangeSource.SNAPSHOT_CHUNKS_READ, (ROWS + 1) / 2))
                    .as("chunks read by Tributary's chunk reader (2 rows each)")
                    .isEqualTo((ROWS + 1) / 2);
            assertThat(t.metric(MySqlChangeSource.SNAPSHOT_CHUNKS_BACKFILLED)).isZero();
            assertThat(d.metric(MySqlChangeSource.SNAPSHOT_CHUNKS_READ)).isEqualTo(-1);

            assertThat(tributary).hasSameSizeAs(debezium).hasSize(ROWS);
            for (int i = 0; i < ROWS; i++) {
                ChangeRecord dr = debezium.get(i);
                ChangeRecord tr = tributary.get(i);
                String at = "row " + (i + 1) + " (" + dr + ")";
                assertThat(tr.op()).as(at).isEqualTo(ChangeOp.READ).isEqualTo(dr.op());
                assertThat(tr.shape().table()).as(at).isEqualTo(dr.shape().table());
                assertThat(tr.shape().columns()).as(at).isEqualTo(dr.shape().columns());
                assertThat(tr.shape().key()).as(at).isEqualTo(dr.shape().key());
                assertThat(tr.shape().version()).as(at).isEqualTo(dr.shape().version());
                assertThat(tr.before()).as(at).isNull();
                assertThat(Arrays.deepToString(tr.after()))
                        .as(at)
                        .isEqualTo(Arrays.deepToString(dr.after()));
                assertThat(TypedTable.classes(tr.after()))
                        .as(at)
                        .isEqualTo(TypedTable.classes(dr.after()));
                assertThat(tr.position()).as(at).isEqualTo(dr.position());
                assertThat(tr.source()).as(at).isEqualTo(dr.source());
                // a snapshot read's time is when it was read, under both
                assertThat(tr.commitMillis()).as(at).isBetween(before, after);
                assertThat(dr.commitMillis()).as(at).isBetween(before, after);
            }

            // the binlog goes on from the chunks' high watermarks: the insert comes once
            try (Connection c = db.connect("snap_agree");
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO typed (id, note) VALUES (100, 'after')");
            }
            for (ChangeStream stream : List.of(d, t)) {
                List<ChangeRecord> upTo = stream.until(r -> r.op() != ChangeOp.SCHEMA);
                ChangeRecord next = upTo.get(upTo.size() - 1);
                assertThat(next.op()).isEqualTo(ChangeOp.CREATE);
                assertThat(next.after()[0]).isEqualTo(100);
            }
        }
    }

    private static ChangeStream stream(MariaDbService db, CdcSourceBuilder.BinlogReader reader)
            throws Exception {
        CdcConnection conn = CdcConnection.parse(db.jdbcUrl("snap_agree"), null, null);
        return new ChangeStream(
                CdcSourceBuilder.forConnection(conn)
                        .tables("snap_agree.typed")
                        .splitSize(2)
                        .binlogReader(reader)
                        .build(),
                1);
    }

    /** The snapshot's reads, by id (the readers emit a chunk's rows in different orders). */
    private static List<ChangeRecord> reads(ChangeStream changes) {
        List<ChangeRecord> out = new ArrayList<>();
        while (out.size() < ROWS) {
            ChangeRecord r = changes.next(1).get(0);
            if (r.op() != ChangeOp.SCHEMA) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing(r -> (Integer) r.after()[0]));
        return out;
    }
}
