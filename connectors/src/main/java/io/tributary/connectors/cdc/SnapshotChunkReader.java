package io.tributary.connectors.cdc;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.NullEventDataDeserializer;
import io.debezium.connector.mysql.MySqlConnection;
import io.debezium.connector.mysql.MySqlValueConverters;
import io.debezium.relational.Column;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import io.debezium.relational.TableSchema;
import io.debezium.relational.history.TableChanges;
import io.tributary.connectors.changes.ChangeOp;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.Calendar;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.cdc.connectors.mysql.debezium.DebeziumUtils;
import org.apache.flink.cdc.connectors.mysql.debezium.task.context.StatefulTaskContext;
import org.apache.flink.cdc.connectors.mysql.source.config.MySqlSourceConfig;
import org.apache.flink.cdc.connectors.mysql.source.offset.BinlogOffset;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlSnapshotSplit;
import org.apache.flink.cdc.connectors.mysql.source.utils.StatementUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a snapshot chunk straight into change records, with Flink CDC's watermark protocol: the
 * binlog position before the chunk's query (low watermark) and after it (high watermark). When they
 * are equal nothing changed on the server while the chunk was read, so its rows are the table's
 * rows at that position, and the chunk is done with that high watermark, as Flink CDC's reader
 * would finish it. When they differ, the events between them are read: when none changed the
 * chunk's table, the chunk is kept all the same. Otherwise the rows are dropped and {@link #read}
 * says so: the chunk then goes to Flink CDC's reader, which backfills the changes in between.
 *
 * <p>Flink CDC's reader passes each row through Debezium's snapshot machinery: a Kafka Connect
 * envelope on a reader thread, the envelope rebuilt to zero its timestamp, a map keyed by the key
 * {@code Struct} to normalize the chunk, then the envelope read back into a row on the task thread
 * (55 % of the snapshot's CPU in the profile of bench/RESULTS.md, 2026-12-05 22:16). This reader
 * keeps what gives the values their meaning (the same query, the same reading of each column, the
 * same Debezium value converters) and drops the rest.
 */
final class SnapshotChunkReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotChunkReader.class);

    /** How long reading the binlog between a chunk's two positions may take. */
    private static final long RANGE_TIMEOUT_MS = 30_000;

    private final MySqlSourceConfig config;
    private final AtomicLong keptOverMoves;
    private final StatefulTaskContext context;
    private final MySqlConnection connection;
    private final Map<TableId, Schema> schemas = new HashMap<>();
    private final Map<String, Object> source;

    /** A table as the chunk's split describes it: what its rows are read and converted with. */
    private record Schema(TableChanges.TableChange change, Table table, TableRowCodec rows) {}

    /**
     * A source reader's chunk reader, kept across its split readers: Flink closes a split reader
     * whenever it has no split (between two chunks, as Flink CDC's reader asks for one at a time),
     * and a connection and Debezium's schema per chunk cost more than reading 8,096 rows. Closed
     * with the source reader, or when the snapshot is over.
     */
    static final class Shared implements AutoCloseable {
        private final MySqlSourceConfig config;
        private final AtomicLong keptOverMoves;
        private SnapshotChunkReader reader;
        private int backfilling;

        /**
         * @param keptOverMoves counts the chunks kept although the binlog position moved while they
         *     were read (with no change to their table)
         */
        Shared(MySqlSourceConfig config, AtomicLong keptOverMoves) {
            this.config = config;
            this.keptOverMoves = keptOverMoves;
        }

        /** A chunk's table changed as it was read: the next {@code chunks} go to Flink CDC's. */
        synchronized void backfillNext(int chunks) {
            backfilling = chunks;
        }

        /** Whether this chunk goes to Flink CDC's reader, as one of those. */
        synchronized boolean backfills() {
            if (backfilling > 0) {
                backfilling--;
                return true;
            }
            return false;
        }

        synchronized SnapshotChunkReader get() {
            if (reader == null) {
                reader = new SnapshotChunkReader(config, keptOverMoves);
            }
            return reader;
        }

        @Override
        public synchronized void close() {
            if (reader != null) {
                reader.close();
                reader = null;
            }
        }
    }

    private SnapshotChunkReader(MySqlSourceConfig config, AtomicLong keptOverMoves) {
        this.config = config;
        this.keptOverMoves = keptOverMoves;
        this.connection = DebeziumUtils.createMySqlConnection(config);
        this.context =
                new StatefulTaskContext(
                        config,
                        DebeziumUtils.createBinaryClient(config.getDbzConfiguration()),
                        connection);
        // Debezium's source block of a snapshot read in Flink CDC's reader: no binlog position
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("version", io.debezium.connector.mysql.Module.version());
        s.put("snapshot", "false");
        s.put("server_id", 0L);
        s.put("file", "");
        s.put("pos", 0L);
        s.put("row", 0);
        this.source = Collections.unmodifiableMap(s);
    }

    /**
     * The chunk's rows followed by its high watermark, all in one batch (the source reader emits a
     * batch at once, so no checkpoint holds half a chunk); or {@code null} when the table changed
     * while they were read (Flink CDC's reader must backfill the chunk).
     */
    BinlogChanges read(MySqlSnapshotSplit split) throws SQLException {
        Schema s = schema(split);
        BinlogOffset low = DebeziumUtils.currentBinlogOffset(connection);
        BinlogChanges batch = new BinlogChanges();
        String sql =
                StatementUtils.buildSplitScanQuery(
                        split.getTableId(),
                        split.getSplitKeyType(),
                        split.getSplitStart() == null,
                        split.getSplitEnd() == null);
        try (PreparedStatement statement =
                        StatementUtils.readTableSplitDataStatement(
                                connection,
                                sql,
                                split.getSplitStart() == null,
                                split.getSplitEnd() == null,
                                split.getSplitStart(),
                                split.getSplitEnd(),
                                split.getSplitKeyType().getFieldCount(),
                                config.getFetchSize());
                ResultSet rs = statement.executeQuery()) {
            Column[] columns = columns(rs, s.table);
            int width = s.table.columns().size();
            long now = System.currentTimeMillis(); // the chunk's rows are read as one
            while (rs.next()) {
                Object[] row = new Object[width];
                for (int i = 0; i < columns.length; i++) {
                    row[columns[i].position() - 1] = readField(rs, i + 1, columns[i], s.table);
                }
                batch.items.add(
                        new BinlogChanges.Change(
                                ChangeOp.READ,
                                s.rows.rows(),
                                null,
                                s.rows.values(row),
                                now,
                                now,
                                null,
                                "",
                                source));
            }
        }
        BinlogOffset high =
                config.isSkipSnapshotBackfill()
                        ? low
                        : DebeziumUtils.currentBinlogOffset(connection);
        if (high.isAfter(low)) {
            if (!changedBetween(split.getTableId(), low, high)) {
                keptOverMoves.incrementAndGet();
            } else {
                LOG.info(
                        "Table {} may have changed while chunk {} was read (binlog {} to {}): Flink"
                                + " CDC's reader reads it again and backfills the changes",
                        split.getTableId(),
                        split.splitId(),
                        low,
                        high);
                return null;
            }
        }
        batch.items.add(new BinlogChanges.HighWatermark(high));
        return batch;
    }

    /**
     * Whether the binlog between {@code low} and {@code high} may hold a change to {@code table}: a
     * row event of it (its table map), or any statement other than a transaction's start and end
     * (DDL). The position moves with a commit to any table on the server, so on a busy server most
     * chunks see it move; this reads the events in between (their headers, table maps and
     * statements; rows are skipped) to keep the chunks of a table no one changed. Any doubt (the
     * range not read within {@link #RANGE_TIMEOUT_MS}, a connection error) counts as a change.
     */
    private boolean changedBetween(TableId table, BinlogOffset low, BinlogOffset high) {
        BinaryLogClient client = DebeziumUtils.createBinaryClient(config.getDbzConfiguration());
        client.setServerId(config.getMySqlConnectorConfig().serverId());
        client.setKeepAlive(false);
        client.setBinlogFilename(low.getFilename());
        client.setBinlogPosition(low.getPosition());
        EventDeserializer deserializer = new EventDeserializer();
        for (EventType t : EventType.values()) {
            if (EventType.isRowMutation(t)) {
                deserializer.setEventDataDeserializer(t, new NullEventDataDeserializer());
            }
        }
        client.setEventDeserializer(deserializer);
        CompletableFuture<Boolean> changed = new CompletableFuture<>();
        String[] file = {low.getFilename()};
        client.registerEventListener(
                e -> {
                    EventData d = e.getData();
                    if (d instanceof RotateEventData r) {
                        file[0] = r.getBinlogFilename();
                    } else if (d instanceof TableMapEventData m) {
                        if (m.getDatabase().equalsIgnoreCase(table.catalog())
                                && m.getTable().equalsIgnoreCase(table.table())) {
                            changed.complete(true);
                        }
                    } else if (d instanceof QueryEventData q) {
                        String sql = q.getSql().trim();
                        if (!sql.equalsIgnoreCase("BEGIN") && !sql.equalsIgnoreCase("COMMIT")) {
                            changed.complete(true);
                        }
                    }
                    long next = ((EventHeaderV4) e.getHeader()).getNextPosition();
                    int c = file[0].compareTo(high.getFilename());
                    if (c > 0 || (c == 0 && next >= high.getPosition())) {
                        changed.complete(false);
                    }
                });
        try {
            client.connect(config.getConnectTimeout().toMillis());
            return changed.get(RANGE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.info(
                    "Could not read the binlog from {} to {} ({}): taken as a change to {}",
                    low,
                    high,
                    e.toString(),
                    table);
            return true;
        } finally {
            try {
                client.disconnect();
            } catch (Exception e) {
                LOG.debug("Closing the binlog client", e);
            }
        }
    }

    /** The split's table as the split describes it; loaded into Debezium's schema on a change. */
    private Schema schema(MySqlSnapshotSplit split) {
        TableId id = split.getTableId();
        TableChanges.TableChange change = split.getTableSchemas().get(id);
        Schema s = schemas.get(id);
        if (s != null && s.change.equals(change)) {
            return s;
        }
        context.configure(split);
        Table table = context.getDatabaseSchema().tableFor(id);
        TableSchema schema = context.getDatabaseSchema().schemaFor(id);
        if (table == null || schema == null) {
            throw new IllegalStateException(
                    "Chunk " + split.splitId() + ": no schema for table " + id + " in the split");
        }
        s = new Schema(change, table, TableRowCodec.of(context.getDatabaseSchema(), schema));
        schemas.put(id, s);
        return s;
    }

    /** The table's column of each column of the result set. */
    private static Column[] columns(ResultSet rs, Table table) throws SQLException {
        int n = rs.getMetaData().getColumnCount();
        Column[] out = new Column[n];
        for (int i = 0; i < n; i++) {
            String name = rs.getMetaData().getColumnName(i + 1);
            Column c = table.columnWithName(name);
            if (c == null) {
                throw new IllegalStateException(
                        "Column "
                                + name
                                + " of "
                                + table.id()
                                + " is not in the table's schema: the table changed during"
                                + " the snapshot");
            }
            out[i] = c;
        }
        return out;
    }

    /**
     * A column's value as Flink CDC's snapshot reader reads it, so Debezium's converters see what
     * they would there: TIME, DATE and DATETIME from their text (zero dates included), TINYINT and
     * SMALLINT as {@code Integer}, everything else as the driver gives it.
     */
    private static Object readField(ResultSet rs, int i, Column column, Table table)
            throws SQLException {
        switch (column.jdbcType()) {
            case Types.TIME:
                {
                    String text = text(rs, i);
                    return text == null ? null : MySqlValueConverters.stringToDuration(text);
                }
            case Types.DATE:
                {
                    String text = text(rs, i);
                    return text == null
                            ? null
                            : MySqlValueConverters.stringToLocalDate(text, column, table);
                }
            case Types.TIMESTAMP:
                {
                    String text = text(rs, i);
                    if (text == null
                            || (!nonZeroDate(text)
                                    && MySqlValueConverters.containsZeroValuesInDatePart(
                                            text, column, table))) {
                        return null;
                    }
                    // a DATETIME is its text (a TIMESTAMP the driver may shift between zones)
                    LocalDateTime t = "DATETIME".equals(column.typeName()) ? datetime(text) : null;
                    return t != null
                            ? Timestamp.valueOf(t)
                            : rs.getTimestamp(i, Calendar.getInstance());
                }
            case Types.TINYINT:
            case Types.SMALLINT:
                return rs.getObject(i) == null ? null : rs.getInt(i);
            default:
                return rs.getObject(i);
        }
    }

    /**
     * Whether {@code text} starts with a date of non-zero year, month and day ({@code
     * 2024-01-31...}); {@code false} when it does not, or is written otherwise (Debezium's check
     * decides those).
     */
    static boolean nonZeroDate(String text) {
        if (text.length() < 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            return false;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        return year > 0 && month > 0 && day > 0;
    }

    /**
     * A DATETIME's text as MySQL sends it ({@code 2024-01-31 12:34:56[.ffffff]}); {@code null} when
     * written otherwise (the driver reads those).
     */
    static LocalDateTime datetime(String text) {
        int n = text.length();
        if (n < 19 || text.charAt(10) != ' ' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int nanos = 0;
        if (n > 19) {
            if (text.charAt(19) != '.' || n > 29 || n == 20) {
                return null;
            }
            int fraction = digits(text, 20, n);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int k = n - 20; k < 9; k++) {
                nanos *= 10;
            }
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** The decimal number in {@code text[from, to)}, or -1 when it is not all digits. */
    private static int digits(String text, int from, int to) {
        int v = 0;
        for (int k = from; k < to; k++) {
            char c = text.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static String text(ResultSet rs, int i) throws SQLException {
        Blob b = rs.getBlob(i);
        return b == null
                ? null
                : new String(b.getBytes(1, (int) b.length()), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            context.close();
        } catch (Exception e) {
            LOG.debug("Closing the snapshot reader's context", e);
        }
    }
}
