package io.tributary.connectors.cdc;

import io.tributary.connectors.changes.ChangeRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.cdc.connectors.mysql.source.MySqlSource;
import org.apache.flink.cdc.connectors.mysql.source.offset.BinlogOffset;
import org.apache.flink.cdc.connectors.mysql.table.StartupOptions;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the change stream of a MySQL/MariaDB or PostgreSQL database as a Flink source of {@link
 * ChangeRecord}s: Flink CDC's incremental snapshot (parallel, lock-free) then the binlog or the
 * pgoutput stream. Before building, checks the database is set up for capture and fails early,
 * naming what to change ({@link CdcReadiness}).
 *
 * <pre>{@code
 * Source<ChangeRecord, ?, ?> source = CdcSourceBuilder.forConnection(
 *         CdcConnection.parse("jdbc:mysql://db:3306/shop", "cdc", password))
 *     .tables("shop.customers", "shop.orders")
 *     .registry("http://127.0.0.1:8081", "shop")
 *     .build();
 * }</pre>
 */
@PublicEvolving
public final class CdcSourceBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(CdcSourceBuilder.class);

    /** Where the stream starts. */
    public enum StartupMode {
        /** Snapshot the tables, then follow changes from the snapshot's position. */
        INITIAL,
        /** Only changes made from now on. */
        LATEST,
        /** Changes committed at or after {@link #startupTimestampMillis}. */
        TIMESTAMP,
        /** The snapshot only, then finish. */
        SNAPSHOT
    }

    private final CdcConnection connection;
    private final List<String> tables = new ArrayList<>();
    private StartupMode startup = StartupMode.INITIAL;
    private long startupTimestampMillis;
    private String serverIds;
    private String slotName;
    private String registryUrl;
    private String catalogDatabase;
    private SchemaPolicy schemaPolicy = SchemaPolicy.EVOLVE;
    private int splitSize = 8096;
    private boolean checkReadiness = true;
    private BinlogReader binlogReader = BinlogReader.TRIBUTARY;
    private BinlogOffset startupOffset;

    /** Which reader follows a MySQL binlog once no snapshot chunk is still being caught up. */
    public enum BinlogReader {
        /**
         * Tributary's ({@code BinlogChangeReader}): Debezium's decoding, converters and DDL parser
         * without its per-change Kafka Connect envelope. Servers with GTID mode on, and splits
         * still catching up a snapshot chunk, are read by Flink CDC's reader whatever the setting.
         */
        TRIBUTARY,
        /** Flink CDC's (Debezium's) reader throughout. */
        DEBEZIUM
    }

    /**
     * Debezium's queue hands records to Flink CDC's readers in batches, and a poll that finds less
     * than a full batch sleeps this long before it returns. At Debezium's 500 ms, the tail of every
     * snapshot chunk (and the chunk's backfill) waited about a second per chunk and reader: with
     * Flink CDC's 8,096-row chunks that was most of a snapshot's time.
     */
    static final String POLL_INTERVAL = "poll.interval.ms";

    static final String DEFAULT_POLL_INTERVAL_MS = "20";

    private final Properties debezium = new Properties();
    private final Properties jdbc = new Properties();

    private CdcSourceBuilder(CdcConnection connection) {
        this.connection = Objects.requireNonNull(connection);
    }

    public static CdcSourceBuilder forConnection(CdcConnection connection) {
        return new CdcSourceBuilder(connection);
    }

    /**
     * Tables to capture: {@code database.table} (MySQL) or {@code schema.table} (PostgreSQL);
     * {@code *} matches any characters, and tables created later that match are captured too.
     */
    public CdcSourceBuilder tables(String... patterns) {
        tables.addAll(List.of(patterns));
        return this;
    }

    public CdcSourceBuilder startup(StartupMode mode) {
        this.startup = mode;
        return this;
    }

    public CdcSourceBuilder startupTimestamp(long epochMillis) {
        this.startup = StartupMode.TIMESTAMP;
        this.startupTimestampMillis = epochMillis;
        return this;
    }

    /**
     * MySQL replica ids, one per parallel reader, e.g. {@code 5400-5403}; unique among the server's
     * replicas. Defaults to a random range of 8.
     */
    public CdcSourceBuilder serverIds(String range) {
        this.serverIds = range;
        return this;
    }

    /** The PostgreSQL replication slot (one per job); default {@code tributary_<database>}. */
    public CdcSourceBuilder slotName(String slot) {
        this.slotName = slot;
        return this;
    }

    /**
     * Registers each table's schema and its changes in the schema registry at {@code url}, under
     * {@code <catalogDatabase>.<table>-value} (the subject the JDBC crawler uses).
     */
    public CdcSourceBuilder registry(String url, String catalogDatabase) {
        this.registryUrl = url;
        this.catalogDatabase = catalogDatabase;
        return this;
    }

    public CdcSourceBuilder schemaPolicy(SchemaPolicy policy) {
        this.schemaPolicy = policy;
        return this;
    }

    /** Rows per snapshot chunk; chunks are read in parallel. */
    public CdcSourceBuilder splitSize(int rows) {
        this.splitSize = rows;
        return this;
    }

    /** Which reader follows a MySQL binlog; {@link BinlogReader#TRIBUTARY} unless told. */
    public CdcSourceBuilder binlogReader(BinlogReader reader) {
        this.binlogReader = Objects.requireNonNull(reader);
        return this;
    }

    /** Starts a MySQL capture at a binlog offset (events and rows to skip included). */
    @VisibleForTesting
    CdcSourceBuilder startupOffset(BinlogOffset offset) {
        this.startupOffset = offset;
        return this;
    }

    /** Skips the readiness check (the database is then checked only when the job starts). */
    public CdcSourceBuilder checkReadiness(boolean check) {
        this.checkReadiness = check;
        return this;
    }

    /** A Debezium property passed as is (e.g. {@code snapshot.locking.mode}). */
    public CdcSourceBuilder debeziumProperty(String key, String value) {
        debezium.setProperty(key, value);
        return this;
    }

    /**
     * A JDBC driver property of the capture's own connections (the readiness check, and MySQL's
     * snapshot): its TLS settings, e.g. {@code sslMode} (MySQL) or {@code sslmode} (PostgreSQL).
     */
    public CdcSourceBuilder jdbcProperty(String key, String value) {
        jdbc.setProperty(key, value);
        return this;
    }

    /**
     * A builder for the table a {@code tributary-cdc} table's options name ({@link
     * CdcTableOptions}, {@link CdcConnectorOptions}): the same connection, table, slot, startup,
     * server ids, Debezium and JDBC properties, so a pipeline's change stream is read the same way
     * whichever path it takes.
     */
    public static CdcSourceBuilder fromOptions(Map<String, String> o) {
        boolean postgres = "postgres".equals(o.get(CdcConnectorOptions.DATABASE_TYPE.key()));
        String database = o.get(CdcConnectorOptions.DATABASE_NAME.key());
        CdcConnection connection =
                new CdcConnection(
                        postgres ? CdcConnection.Kind.POSTGRES : CdcConnection.Kind.MYSQL,
                        o.get(CdcConnectorOptions.HOSTNAME.key()),
                        Integer.parseInt(o.get(CdcConnectorOptions.PORT.key())),
                        database,
                        o.get(CdcConnectorOptions.USERNAME.key()),
                        o.get(CdcConnectorOptions.PASSWORD.key()));
        String table = o.get(CdcConnectorOptions.TABLE_NAME.key());
        CdcSourceBuilder b =
                forConnection(connection)
                        .tables(
                                (postgres
                                                ? o.getOrDefault(
                                                        CdcConnectorOptions.SCHEMA_NAME.key(),
                                                        CdcConnectorOptions.SCHEMA_NAME
                                                                .defaultValue())
                                                : database)
                                        + "."
                                        + table);
        if ("latest-offset".equals(o.get(CdcConnectorOptions.SCAN_STARTUP_MODE.key()))) {
            b.startup(StartupMode.LATEST);
        }
        if (o.get(CdcConnectorOptions.SLOT_NAME.key()) != null) {
            b.slotName(o.get(CdcConnectorOptions.SLOT_NAME.key()));
        }
        if (o.get(CdcConnectorOptions.SERVER_ID.key()) != null) {
            b.serverIds(o.get(CdcConnectorOptions.SERVER_ID.key()));
        }
        o.forEach(
                (k, v) -> {
                    if (k.startsWith(CdcConnectorOptions.DEBEZIUM_PREFIX)) {
                        b.debeziumProperty(
                                k.substring(CdcConnectorOptions.DEBEZIUM_PREFIX.length()), v);
                    }
                });
        CdcConnectorOptions.driverProperties(o)
                .forEach((k, v) -> b.jdbcProperty((String) k, (String) v));
        return b;
    }

    String effectiveSlotName() {
        return slotName != null ? slotName : defaultSlotName(connection.database());
    }

    /** The replication slot a PostgreSQL capture of {@code database} uses unless told. */
    public static String defaultSlotName(String database) {
        return ("tributary_" + database).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    }

    /**
     * Checks the database and builds the source. The source reports its progress per table as
     * metrics ({@code table.<db>.<table>.snapshotRowsRead}, {@code snapshotRowsEstimated}, {@code
     * changesStreamed}) that {@code tributary cdc progress} shows.
     *
     * @throws CdcReadiness.NotReady when the database is not set up for capture
     */
    public Source<ChangeRecord, ?, ?> build() {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("Name at least one table to capture");
        }
        Map<String, Long> estimates = Map.of();
        if (checkReadiness) {
            CdcReadiness.Report report =
                    CdcReadiness.check(connection, tables, effectiveSlotName(), jdbc);
            if (!report.ready()) {
                throw new CdcReadiness.NotReady(report);
            }
            report.findings().stream()
                    .filter(f -> f.level() == CdcReadiness.Level.WARN)
                    .forEach(f -> LOG.warn("{}", f));
            estimates = report.estimates();
            LOG.info(
                    "Capturing {} table(s) from {}: {}",
                    report.tables().size(),
                    connection,
                    estimates);
        }
        ChangeRecordDeserializer deserializer =
                new ChangeRecordDeserializer(
                        new SchemaTracker(registryUrl, catalogDatabase, schemaPolicy), estimates);
        String[] regexes = tables.stream().map(CdcReadiness::regex).toArray(String[]::new);
        Source<ChangeRecord, ?, ?> source =
                connection.kind() == CdcConnection.Kind.MYSQL
                        ? mysql(deserializer, regexes)
                        : postgres(deserializer, regexes);
        return ProgressSource.wrap(source, estimates, tables);
    }

    private Source<ChangeRecord, ?, ?> mysql(ChangeRecordDeserializer d, String[] regexes) {
        Properties props = new Properties();
        // BIGINT UNSIGNED as decimal(20,0), the type the JDBC crawler gives it
        props.setProperty("bigint.unsigned.handling.mode", "precise");
        props.setProperty(POLL_INTERVAL, DEFAULT_POLL_INTERVAL_MS);
        props.putAll(debezium);
        String ids = serverIds;
        if (ids == null) {
            int base = 5400 + ThreadLocalRandom.current().nextInt(0, 1_000_000);
            ids = base + "-" + (base + 7);
        }
        StartupOptions start =
                startupOffset != null
                        ? StartupOptions.specificOffset(startupOffset)
                        : switch (startup) {
                            case INITIAL -> StartupOptions.initial();
                            case LATEST -> StartupOptions.latest();
                            case SNAPSHOT -> StartupOptions.snapshot();
                            case TIMESTAMP -> StartupOptions.timestamp(startupTimestampMillis);
                        };
        MySqlSource<ChangeRecord> source =
                MySqlSource.<ChangeRecord>builder()
                        .hostname(connection.host())
                        .port(connection.port())
                        .username(connection.user())
                        .password(connection.password() == null ? "" : connection.password())
                        .databaseList(
                                tables.stream()
                                        .map(
                                                t ->
                                                        CdcReadiness.regex(
                                                                t.substring(0, t.indexOf('.'))))
                                        .distinct()
                                        .toArray(String[]::new))
                        .tableList(regexes)
                        .serverId(ids)
                        .serverTimeZone("UTC")
                        .splitSize(splitSize)
                        .startupOptions(start)
                        .scanNewlyAddedTableEnabled(true)
                        .debeziumProperties(props)
                        .jdbcProperties(jdbc)
                        .deserializer(d)
                        .build();
        return new MySqlChangeSource(source, d, binlogReader == BinlogReader.TRIBUTARY);
    }

    private Source<ChangeRecord, ?, ?> postgres(ChangeRecordDeserializer d, String[] regexes) {
        Properties props = new Properties();
        props.setProperty(POLL_INTERVAL, DEFAULT_POLL_INTERVAL_MS);
        props.putAll(debezium);
        org.apache.flink.cdc.connectors.base.options.StartupOptions start =
                switch (startup) {
                    case INITIAL ->
                            org.apache.flink.cdc.connectors.base.options.StartupOptions.initial();
                    case LATEST ->
                            org.apache.flink.cdc.connectors.base.options.StartupOptions.latest();
                    case SNAPSHOT ->
                            org.apache.flink.cdc.connectors.base.options.StartupOptions.snapshot();
                    case TIMESTAMP ->
                            org.apache.flink.cdc.connectors.base.options.StartupOptions.timestamp(
                                    startupTimestampMillis);
                };
        List<String> schemas = new ArrayList<>();
        for (String t : tables) {
            int dot = t.indexOf('.');
            String schema = CdcReadiness.regex(dot < 0 ? "public" : t.substring(0, dot));
            if (!schemas.contains(schema)) {
                schemas.add(schema);
            }
        }
        PostgresSourceBuilder<ChangeRecord> b =
                PostgresSourceBuilder.PostgresIncrementalSource.<ChangeRecord>builder();
        return b.hostname(connection.host())
                .port(connection.port())
                .database(connection.database())
                .schemaList(schemas.toArray(String[]::new))
                .tableList(
                        tables.stream()
                                .map(
                                        t ->
                                                CdcReadiness.regex(
                                                        t.indexOf('.') < 0 ? "public." + t : t))
                                .toArray(String[]::new))
                .username(connection.user())
                .password(connection.password() == null ? "" : connection.password())
                .slotName(effectiveSlotName())
                .decodingPluginName("pgoutput")
                .splitSize(splitSize)
                .startupOptions(start)
                .debeziumProperties(props)
                .deserializer(d)
                .build();
    }
}
