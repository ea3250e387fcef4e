package io.tributary.connectors.cdc;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import io.debezium.connector.mysql.MySqlConnection;
import io.debezium.connector.mysql.MySqlDatabaseSchema;
import io.debezium.connector.mysql.MySqlOffsetContext;
import io.debezium.connector.mysql.MySqlPartition;
import io.debezium.relational.TableId;
import io.debezium.relational.TableSchema;
import io.debezium.relational.history.TableChanges;
import io.debezium.schema.DataCollectionFilters;
import io.debezium.schema.SchemaChangeEvent;
import io.tributary.connectors.changes.ChangeOp;
import java.io.Serializable;
import java.time.Instant;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.flink.cdc.connectors.mysql.debezium.DebeziumUtils;
import org.apache.flink.cdc.connectors.mysql.debezium.task.context.StatefulTaskContext;
import org.apache.flink.cdc.connectors.mysql.source.config.MySqlSourceConfig;
import org.apache.flink.cdc.connectors.mysql.source.offset.BinlogOffset;
import org.apache.flink.cdc.connectors.mysql.source.offset.BinlogOffsetKind;
import org.apache.flink.cdc.connectors.mysql.source.split.FinishedSnapshotSplitInfo;
import org.apache.flink.cdc.connectors.mysql.source.split.MySqlBinlogSplit;
import org.apache.flink.cdc.connectors.mysql.table.StartupMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a binlog split with the binlog client directly: Debezium's row decoding, value converters,
 * DDL parser and schema, without Debezium's per-change envelope. Debezium's reader builds a Kafka
 * Connect record per change (the envelope and source {@code Struct}s, a topic name from an LRU
 * cache, the table filter's regular expressions, a queue of events) and that took 2.7 times as long
 * as decoding the change (bench/RESULTS.md, 2026-12-07 04:05). This reader hands the rows,
 * converted once to a {@link io.tributary.connectors.changes.ChangeRecord}'s values, straight to
 * the source reader.
 *
 * <p>It keeps Debezium's offsets exactly: a change's position is its transaction's first event,
 * with the events and rows to skip, as {@code MySqlOffsetContext} keeps it, so a checkpoint taken
 * here resumes under either reader, and a restart skips what was emitted. It reads only a split
 * Flink CDC's binlog reader would emit every captured change of ({@link #ineligible}): no snapshot
 * chunk's high watermark still ahead of it, no ending offset, no GTID mode.
 */
final class BinlogChangeReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BinlogChangeReader.class);

    /** How often the position moves on (in the split's state) when no captured table changes. */
    private static final long IDLE_POSITION_MS = 10_000;

    private final MySqlSourceConfig config;
    private final StatefulTaskContext context;
    private final MySqlDatabaseSchema schema;
    private final MySqlPartition partition;
    private final MySqlOffsetContext offsetContext;
    private final BinaryLogClient client;
    private final Predicate<TableId> captured;
    private final DataCollectionFilters.DataCollectionFilter<TableId> debeziumFilter;
    private final Predicate<String> ddlFilter;
    private final Set<TableId> emitted = new HashSet<>();
    private final boolean emitNewTables;
    private final long startMillis;
    private final String version;
    private final BinlogBuffer buffer = new BinlogBuffer();
    private final Map<TableSchema, TableRowCodec> codecs = new IdentityHashMap<>();

    private volatile Throwable failure;
    private volatile boolean closed;

    // Debezium's offset context, as the reader thread keeps it
    private String file;
    private long eventPos;
    private long eventLength;
    private String restartFile;
    private long restartPos;
    private long restartEvents;
    private int restartRows;
    private boolean inTransaction;
    private long thread = -1;
    private long serverId;
    private long eventMillis;

    // what a restart inside a transaction skips
    private long skipEvents;
    private int skipRows;
    private boolean skipping;

    private BinlogChanges pending = new BinlogChanges();
    private long lastPositionMillis = System.currentTimeMillis();

    /**
     * Why this reader cannot read {@code split} with Flink CDC's semantics, or {@code null} when it
     * can.
     */
    static String ineligible(MySqlBinlogSplit split, MySqlSourceConfig config) {
        BinlogOffset start = split.getStartingOffset();
        if (config.isParseOnLineSchemaChanges()) {
            return "online schema changes (gh-ost, pt-osc) are parsed";
        }
        if (split.isSuspended()) {
            return "the split is suspended";
        }
        BinlogOffset end = split.getEndingOffset();
        if (end != null && end.getOffsetKind() != BinlogOffsetKind.NON_STOPPING) {
            return "the split ends at " + end;
        }
        if (start.getGtidSet() != null && !start.getGtidSet().isEmpty()) {
            return "the starting offset has a GTID set";
        }
        List<FinishedSnapshotSplitInfo> finished = split.getFinishedSnapshotSplitInfos();
        if (!finished.isEmpty()) {
            if (start.getOffsetKind() != BinlogOffsetKind.SPECIFIC) {
                return "snapshot chunks finished before a " + start.getOffsetKind() + " offset";
            }
            for (FinishedSnapshotSplitInfo f : finished) {
                if (!start.isAtOrAfter(f.getHighWatermark())) {
                    return "chunk " + f.getSplitId() + "'s high watermark is ahead";
                }
            }
        }
        return null;
    }

    BinlogChangeReader(MySqlSourceConfig config, MySqlBinlogSplit split) {
        this.config = config;
        MySqlConnection connection = DebeziumUtils.createMySqlConnection(config);
        if (connection.isGtidModeEnabled()) {
            try {
                connection.close();
            } catch (Exception e) {
                LOG.debug("Closing the connection", e);
            }
            throw new GtidMode();
        }
        this.context =
                new StatefulTaskContext(
                        config,
                        DebeziumUtils.createBinaryClient(config.getDbzConfiguration()),
                        connection);
        context.configure(split);
        this.schema = context.getDatabaseSchema();
        this.partition = context.getMySqlPartition();
        this.offsetContext = context.getOffsetContext();
        this.client = context.getBinaryLogClient();
        this.captured = config.getTableFilter();
        this.debeziumFilter =
                config.getMySqlConnectorConfig().getTableFilters().dataCollectionFilter();
        this.ddlFilter = config.getMySqlConnectorConfig().getDdlFilter();
        this.emitNewTables = !config.isScanNewlyAddedTableEnabled();
        // Flink CDC's BinlogSplitReader: the tables in the pure binlog phase
        if (split.getFinishedSnapshotSplitInfos().isEmpty()) {
            emitted.addAll(split.getTableSchemas().keySet());
        } else {
            split.getFinishedSnapshotSplitInfos().forEach(f -> emitted.add(f.getTableId()));
        }
        this.startMillis =
                config.getStartupOptions().startupMode == StartupMode.TIMESTAMP
                        ? config.getStartupOptions().binlogOffset.getTimestampSec() * 1000
                        : Long.MIN_VALUE;
        this.version = io.debezium.connector.mysql.Module.version();
        Map<String, ?> offset = offsetContext.getOffset();
        this.file = (String) offset.get("file");
        this.restartFile = file;
        this.restartPos = ((Number) offset.get("pos")).longValue();
        this.skipEvents = number(offset.get("event"));
        this.skipRows = (int) number(offset.get("row"));
    }

    private static long number(Object v) {
        return v == null ? 0 : ((Number) v).longValue();
    }

    /** The server runs with GTIDs: Debezium's reader follows them across failovers. */
    static final class GtidMode extends RuntimeException {
        GtidMode() {
            super("the server runs with GTIDs", null, false, false);
        }
    }

    void start() throws Exception {
        client.setServerId(config.getMySqlConnectorConfig().serverId());
        client.setBinlogFilename(file);
        client.setBinlogPosition(restartPos);
        // a lost connection fails the reader: the job resumes from its last checkpoint
        client.setKeepAlive(false);
        client.setEventDeserializer(BinlogEvents.debeziumRows());
        client.registerEventListener(this::onEvent);
        client.registerLifecycleListener(
                new BinaryLogClient.AbstractLifecycleListener() {
                    @Override
                    public void onCommunicationFailure(BinaryLogClient c, Exception e) {
                        fail(e);
                    }

                    @Override
                    public void onEventDeserializationFailure(BinaryLogClient c, Exception e) {
                        fail(e);
                    }

                    @Override
                    public void onDisconnect(BinaryLogClient c) {
                        if (!closed) {
                            fail(new IllegalStateException("the binlog connection was closed"));
                        }
                    }
                });
        LOG.info(
                "Reading the binlog from {}:{} (skipping {} events and {} rows) with Tributary's"
                        + " reader; {} table(s) captured",
                file,
                restartPos,
                skipEvents,
                skipRows,
                emitted.size());
        client.connect(config.getConnectTimeout().toMillis());
    }

    /**
     * The next batch, or {@code null} when none came within {@code waitMillis}.
     *
     * @throws IllegalStateException when the reader failed
     */
    BinlogChanges poll(long waitMillis) throws InterruptedException {
        BinlogChanges b = buffer.take(waitMillis);
        if (b == null && failure != null) {
            throw new IllegalStateException(
                    "Reading the binlog at "
                            + restartFile
                            + ":"
                            + restartPos
                            + " failed: "
                            + failure.getMessage(),
                    failure);
        }
        return b;
    }

    private void fail(Throwable t) {
        if (failure == null && !closed) {
            LOG.warn("Tributary's binlog reader failed", t);
            failure = t;
        }
    }

    private void onEvent(Event event) {
        if (failure != null || closed) {
            return;
        }
        try {
            handle(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            fail(e);
            try {
                client.disconnect();
            } catch (Exception ignored) {
                // failing anyway
            }
        }
    }

    /** One event, as Debezium's {@code MySqlStreamingChangeEventSource#handleEvent} takes it. */
    private void handle(Event event) throws InterruptedException {
        EventHeaderV4 h = event.getHeader();
        EventType type = h.getEventType();
        if (EventType.isRowMutation(type) && h.getTimestamp() < startMillis) {
            return; // Flink CDC's TIMESTAMP startup: row events before it are dropped unseen
        }
        if (type != EventType.HEARTBEAT) {
            eventMillis = h.getTimestamp();
        }
        serverId = h.getServerId();
        if (type == EventType.ROTATE) {
            RotateEventData r = BinlogEvents.data(event);
            file = r.getBinlogFilename();
            eventPos = r.getBinlogPosition();
            restartFile = file;
            restartPos = eventPos;
            restartRows = 0;
            restartEvents = 0;
        } else {
            eventPos = h.getPosition();
            eventLength = h.getEventLength();
            if (!inTransaction) {
                restartPos = eventPos + eventLength;
                restartRows = 0;
                restartEvents = 0;
            }
        }
        switch (type) {
            case QUERY -> query(BinlogEvents.data(event));
            case XID -> commit();
            case TABLE_MAP -> {
                TableMapEventData m = BinlogEvents.data(event);
                schema.assignTableNumber(
                        m.getTableId(), new TableId(m.getDatabase(), null, m.getTable()));
            }
            case WRITE_ROWS, EXT_WRITE_ROWS -> {
                WriteRowsEventData d = BinlogEvents.data(event);
                rows(ChangeOp.CREATE, d.getTableId(), d.getRows(), null);
            }
            case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
                UpdateRowsEventData d = BinlogEvents.data(event);
                rows(ChangeOp.UPDATE, d.getTableId(), null, d.getRows());
            }
            case DELETE_ROWS, EXT_DELETE_ROWS -> {
                DeleteRowsEventData d = BinlogEvents.data(event);
                rows(ChangeOp.DELETE, d.getTableId(), d.getRows(), null);
            }
            default -> {
                // other events only move the position
            }
        }
        restartEvents++;
        if (skipping) {
            skipEvents--;
            skipping = skipEvents > 0;
        }
        if (!pending.items.isEmpty()) {
            flush();
        }
    }

    /** Hands what the event gave to the source reader; waits while it is far behind. */
    private void flush() throws InterruptedException {
        buffer.add(pending.items);
        pending.items.clear();
        lastPositionMillis = System.currentTimeMillis();
    }

    private BinlogChanges.Position position() {
        return new BinlogChanges.Position(
                restartFile, restartPos, restartEvents, restartRows, serverId, eventMillis / 1000);
    }

    private void query(QueryEventData q) throws InterruptedException {
        String sql = q.getSql().trim();
        if (sql.equalsIgnoreCase("BEGIN")) {
            restartRows = 0;
            restartEvents = 0;
            restartFile = file;
            restartPos = eventPos;
            inTransaction = true;
            thread = q.getThreadId();
            if (skipEvents != 0) {
                skipping = true;
            }
            return;
        }
        if (sql.equalsIgnoreCase("COMMIT")) {
            commit();
            return;
        }
        String begin = (sql.length() > 7 ? sql.substring(0, 7) : sql).toUpperCase(Locale.ROOT);
        if (begin.startsWith("XA ")
                || ddlFilter.test(sql)
                || begin.equals("INSERT ")
                || begin.equals("UPDATE ")
                || begin.equals("DELETE ")
                || sql.equalsIgnoreCase("ROLLBACK")) {
            return;
        }
        ddl(sql, q.getDatabase());
    }

    private void commit() throws InterruptedException {
        restartFile = file;
        restartPos = eventPos + eventLength;
        restartRows = 0;
        restartEvents = 0;
        inTransaction = false;
        thread = -1;
        skipping = false;
        if (pending.items.isEmpty()
                && System.currentTimeMillis() - lastPositionMillis >= IDLE_POSITION_MS) {
            pending.items.add(position());
            flush();
        }
    }

    /** DDL through Debezium's parser and schema, as its reader takes it. */
    private void ddl(String sql, String database) {
        List<SchemaChangeEvent> changes =
                schema.parseStreamingDdl(
                        partition, sql, database, offsetContext, Instant.ofEpochMilli(eventMillis));
        for (SchemaChangeEvent e : changes) {
            if (schema.skipSchemaChangeEvent(e)) {
                continue;
            }
            TableId id = e.getTables().isEmpty() ? null : e.getTables().iterator().next().id();
            if (id != null && !debeziumFilter.isIncluded(id) && schema.storeOnlyCapturedTables()) {
                continue;
            }
            schema.applySchemaChange(e);
            if (id != null && captured.test(id)) {
                for (TableChanges.TableChange c : e.getTableChanges()) {
                    pending.items.add(new BinlogChanges.SchemaChange(c.getId(), c, position()));
                }
                LOG.info("Schema change at {}:{}: {}", file, eventPos, sql);
            }
        }
    }

    private void rows(
            ChangeOp op,
            long tableNumber,
            List<Serializable[]> images,
            List<Map.Entry<Serializable[], Serializable[]>> updates) {
        if (skipping) {
            return;
        }
        TableId id = schema.getTableId(tableNumber);
        TableSchema table = id == null ? null : schema.schemaFor(id);
        if (table == null) {
            if (id != null && debeziumFilter.isIncluded(id)) {
                throw new IllegalStateException(
                        "A change to "
                                + id
                                + " at "
                                + file
                                + ":"
                                + restartPos
                                + ", whose schema is not known: the table was created before"
                                + " the binlog this job reads, or its DDL was not understood");
            }
            skipRows = 0;
            return;
        }
        int n = images != null ? images.size() : updates.size();
        if (skipRows < n) {
            boolean emit = emitted.contains(id) || (emitNewTables && captured.test(id));
            TableRowCodec codec =
                    emit ? codecs.computeIfAbsent(table, t -> TableRowCodec.of(schema, t)) : null;
            long fetched = System.currentTimeMillis();
            for (int r = skipRows; r < n; r++) {
                restartRows = r < n - 1 ? r + 1 : n;
                if (!emit) {
                    continue;
                }
                if (images != null) {
                    Object[] values = codec.values(images.get(r));
                    add(
                            op,
                            codec,
                            op == ChangeOp.DELETE ? values : null,
                            op == ChangeOp.DELETE ? null : values,
                            fetched,
                            r);
                } else {
                    Map.Entry<Serializable[], Serializable[]> u = updates.get(r);
                    Object[] before = codec.values(u.getKey());
                    Object[] after = codec.values(u.getValue());
                    if (codec.keyChanged(before, after)) {
                        // Debezium: a key change is the old key's delete, then the new key's create
                        add(ChangeOp.DELETE, codec, before, null, fetched, r);
                        add(ChangeOp.CREATE, codec, null, after, fetched, r);
                    } else {
                        add(ChangeOp.UPDATE, codec, before, after, fetched, r);
                    }
                }
            }
            restartRows = 0;
        }
        skipRows = 0;
    }

    private void add(
            ChangeOp op,
            TableRowCodec codec,
            Object[] before,
            Object[] after,
            long fetched,
            int row) {
        BinlogChanges.Position at = position();
        // Debezium's source block; MariaDB's row events have End_log_pos 0, which makes the
        // event's own position negative: the change is then placed at its transaction's
        long pos = eventPos >= 0 ? eventPos : restartPos;
        // 7 entries: a map of 8 would resize at the 7th
        Map<String, Object> source = new LinkedHashMap<>(16);
        source.put("version", version);
        source.put("snapshot", "false");
        source.put("server_id", serverId);
        source.put("file", file);
        source.put("pos", pos);
        source.put("row", row);
        if (thread >= 0) {
            source.put("thread", thread);
        }
        pending.items.add(
                new BinlogChanges.Change(
                        op,
                        codec.rows(),
                        before,
                        after,
                        eventMillis > 0 ? eventMillis : fetched,
                        fetched,
                        at,
                        file + ":" + pos,
                        source));
    }

    @Override
    public void close() {
        closed = true;
        buffer.close();
        try {
            client.disconnect();
        } catch (Exception e) {
            LOG.debug("Closing the binlog client", e);
        }
        try {
            context.close();
        } catch (Exception e) {
            LOG.debug("Closing the binlog reader's context", e);
        }
    }
}
