package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.connector.mysql.MySqlConnection;
import io.debezium.connector.mysql.MySqlPartition;
import io.debezium.relational.TableId;
import io.debezium.relational.history.TableChanges;
import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.cdc.connectors.mysql.debezium.DebeziumUtils;
import org.apache.flink.cdc.connectors.mysql.source.config.MySqlSourceConfig;
import org.apache.flink.cdc.connectors.mysql.source.config.MySqlSourceConfigFactory;
import org.apache.flink.cdc.connectors.mysql.source.offset.BinlogOffset;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlBinlogSplit;
import org.apache.flink.cdc.connectors.mysql.source.utils.TableDiscoveryUtils;
import org.apache.flink.cdc.connectors.mysql.table.StartupOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A position Tributary's binlog reader leaves in the split's state resumes exactly after its
 * change, inside a transaction and inside a multi-row event, under either reader: Tributary's
 * reader and Flink CDC's (Debezium's), started at the position of a change, both give every change
 * after it once and none before it.
 */
class BinlogReaderResumesITCase {

    private static final String DB = "resume_shop";

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aChangesPositionResumesAfterItUnderEitherReader() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase(DB);
        BinlogOffset start;
        try (Connection c = db.connect(DB);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))");
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                start = BinlogOffset.ofBinlogFilePosition(rs.getString(1), rs.getLong(2));
            }
            s.execute("BEGIN");
            s.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e')");
            s.execute("UPDATE t SET v = CONCAT(v, '!')");
            s.execute("COMMIT");
            s.execute("INSERT INTO t VALUES (100, 'last')");
        }
        List<BinlogChanges.Change> all = readDirectly(db, start, 11);
        assertThat(all)
                .extracting(c -> c.op().code())
                .containsExactly("c", "c", "c", "c", "c", "u", "u", "u", "u", "u", "c");
        // inside the insert event, its last row, inside the update event, and the insert after
        for (int k : new int[] {1, 4, 6, 10}) {
            BinlogOffset at = all.get(k).position().offset();
            List<String> expected = new ArrayList<>();
            for (int i = k + 1; i < all.size(); i++) {
                expected.add(describe(all.get(i).op(), all.get(i).after()));
            }
            if (expected.isEmpty()) {
                continue;
            }
            for (CdcSourceBuilder.BinlogReader reader : CdcSourceBuilder.BinlogReader.values()) {
                assertThat(readFrom(db, at, reader, expected.size()))
                        .as("%s's reader from the position of change %d, %s", reader, k, at)
                        .containsExactlyElementsOf(expected);
            }
        }
    }

    private static String describe(ChangeOp op, Object[] after) {
        return op.code() + Arrays.toString(after);
    }

    /** {@code n} changes read by Tributary's reader itself, each with its position. */
    private static List<BinlogChanges.Change> readDirectly(
            MariaDbService db, BinlogOffset start, int n) throws Exception {
        MySqlSourceConfig config =
                new MySqlSourceConfigFactory()
                        .hostname("127.0.0.1")
                        .port(db.port())
                        .username(MariaDbService.USER)
                        .password(MariaDbService.PASSWORD)
                        .databaseList(DB)
                        .tableList(DB + ".t")
                        .serverId("6100-6110")
                        .serverTimeZone("UTC")
                        .startupOptions(StartupOptions.specificOffset(start))
                        .createConfig(0);
        Map<TableId, TableChanges.TableChange> schemas;
        try (MySqlConnection jdbc = DebeziumUtils.createMySqlConnection(config)) {
            schemas =
                    TableDiscoveryUtils.discoverSchemaForCapturedTables(
                            new MySqlPartition(config.getMySqlConnectorConfig().getLogicalName()),
                            config,
                            jdbc);
        }
        MySqlBinlogSplit split =
                new MySqlBinlogSplit(
                        "binlog-split", start, BinlogOffset.ofNonStopping(), List.of(), schemas, 0);
        assertThat(BinlogChangeReader.ineligible(split, config)).isNull();
        List<BinlogChanges.Change> out = new ArrayList<>();
        try (BinlogChangeReader reader = new BinlogChangeReader(config, split)) {
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (out.size() < n && System.nanoTime() < deadline) {
                BinlogChanges b = reader.poll(100);
                if (b != null) {
                    b.items.stream()
                            .filter(i -> i instanceof BinlogChanges.Change)
                            .forEach(i -> out.add((BinlogChanges.Change) i));
                }
            }
        }
        assertThat(out).as("changes read from %s", start).hasSize(n);
        return out;
    }

    private static List<String> readFrom(
            MariaDbService db, BinlogOffset at, CdcSourceBuilder.BinlogReader reader, int n)
            throws Exception {
        CdcConnection conn = CdcConnection.parse(db.jdbcUrl(DB), null, null);
        try (ChangeStream changes =
                new ChangeStream(
                        CdcSourceBuilder.forConnection(conn)
                                .tables(DB + ".t")
                                .startupOffset(at)
                                .binlogReader(reader)
                                .build(),
                        1)) {
            List<String> out = new ArrayList<>();
            while (out.size() < n) {
                ChangeRecord r = changes.next(1).get(0);
                if (r.op() != ChangeOp.SCHEMA) {
                    out.add(describe(r.op(), r.after()));
                }
            }
            return out;
        }
    }
}
