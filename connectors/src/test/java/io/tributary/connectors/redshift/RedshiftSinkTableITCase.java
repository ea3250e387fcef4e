package io.tributary.connectors.redshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.embedded.SharedServices;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code 'connector' = 'tributary-redshift'} from Flink SQL on PostgreSQL. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedshiftSinkTableITCase {

    private final Warehouse wh = new Warehouse("sink_table");

    private static Configuration conf() {
        Configuration conf = SharedServices.flink().clientConfiguration();
        conf.setString("execution.checkpointing.interval", "200 ms");
        conf.setString("restart-strategy.type", "none");
        return conf;
    }

    /** A streaming TableEnvironment on the shared cluster, checkpointing, no restarts. */
    private static TableEnvironment tableEnv() {
        return TableEnvironment.create(
                EnvironmentSettings.newInstance()
                        .inStreamingMode()
                        .withConfiguration(conf())
                        .build());
    }

    private String with(String schema, String table) {
        return " WITH ('connector' = 'tributary-redshift', 'url' = '"
                + wh.url
                + "', 'schema-name' = '"
                + schema.replace("'", "''")
                + "', 'table-name' = '"
                + table.replace("'", "''")
                + "')";
    }

    @Test
    void changelogUpdatesAndDeletesLandAsTheLatestRowPerKey() throws Exception {
        wh.execute("DROP SCHEMA IF EXISTS crm CASCADE");
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf());
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        var changes =
                env.fromData(
                                Row.ofKind(RowKind.INSERT, 1, "Ada", 10L),
                                Row.ofKind(RowKind.INSERT, 2, "Grace", 20L),
                                Row.ofKind(RowKind.UPDATE_BEFORE, 1, "Ada", 10L),
                                Row.ofKind(RowKind.UPDATE_AFTER, 1, "Ada L.", 11L),
                                Row.ofKind(RowKind.DELETE, 2, "Grace", 20L),
                                Row.ofKind(RowKind.INSERT, 3, "Alan", null),
                                Row.ofKind(RowKind.INSERT, 4, "", 40L))
                        .returns(
                                Types.ROW_NAMED(
                                        new String[] {"id", "name", "amount"},
                                        Types.INT,
                                        Types.STRING,
                                        Types.LONG));
        Table table =
                tEnv.fromChangelogStream(
                        changes,
                        Schema.newBuilder()
                                .column("id", "INT NOT NULL")
                                .column("name", "STRING")
                                .column("amount", "BIGINT")
                                .primaryKey("id")
                                .build(),
                        ChangelogMode.all());
        tEnv.executeSql(
                "CREATE TABLE customers (id INT NOT NULL, name STRING, amount BIGINT,"
                        + " PRIMARY KEY (id) NOT ENFORCED)"
                        + with("crm", "customers"));
        table.executeInsert("customers").await(2, TimeUnit.MINUTES);

        assertThat(wh.rows("SELECT id, name, amount FROM crm.customers ORDER BY id"))
                .containsExactly("1|Ada L.|11", "3|Alan|null", "4||40");
        assertThat(wh.rows("SELECT name = '' FROM crm.customers WHERE id = 4"))
                .as("an empty string stays empty, not NULL")
                .containsExactly("t");
    }

    @Test
    void hostileTableAndColumnNamesRoundTripAndTheCanarySurvives() throws Exception {
        String schema = "we\"ird sch;ema";
        String tableName = "Order Items\"; DROP TABLE canary.canary; --";
        wh.execute(
                "CREATE SCHEMA IF NOT EXISTS canary",
                "DROP TABLE IF EXISTS canary.canary",
                "CREATE TABLE canary.canary (alive boolean)",
                "INSERT INTO canary.canary VALUES (true)",
                "DROP SCHEMA IF EXISTS \"we\"\"ird sch;ema\" CASCADE");
        TableEnvironment tEnv = tableEnv();
        tEnv.executeSql(
                "CREATE TABLE hostile (`select` INT NOT NULL, `a\"b` STRING, `semi;colon` STRING,"
                        + " `spaced name` STRING, `ünïcödé` STRING, `Mixed Case` BIGINT,"
                        + " PRIMARY KEY (`select`) NOT ENFORCED)"
                        + with(schema, tableName));
        tEnv.executeSql(
                        "INSERT INTO hostile VALUES (1, 'x\"; DROP TABLE canary.canary; --', ';',"
                                + " 'it''s', '日本語', 7)")
                .await(2, TimeUnit.MINUTES);

        assertThat(
                        wh.rows(
                                "SELECT \"select\", \"a\"\"b\", \"semi;colon\", \"spaced name\","
                                        + " \"ünïcödé\", \"Mixed Case\" FROM \"we\"\"ird sch;ema\"."
                                        + "\"Order Items\"\"; DROP TABLE canary.canary; --\""))
                .containsExactly("1|x\"; DROP TABLE canary.canary; --|;|it's|日本語|7");
        assertThat(wh.rows("SELECT alive FROM canary.canary")).containsExactly("t");
    }

    @Test
    void addsColumnsTheTargetLacksAndKeepsOldRowsNull() throws Exception {
        wh.execute(
                "DROP SCHEMA IF EXISTS evo CASCADE",
                "CREATE SCHEMA evo",
                "CREATE TABLE evo.customers (id integer PRIMARY KEY, name text)",
                "INSERT INTO evo.customers VALUES (1, 'Ada')");
        TableEnvironment tEnv = tableEnv();
        // the upstream table gained a column: the pipeline's next version writes it
        tEnv.executeSql(
                "CREATE TABLE customers_v2 (id INT NOT NULL, name STRING, email STRING,"
                        + " signup DATE, PRIMARY KEY (id) NOT ENFORCED)"
                        + with("evo", "customers"));
        tEnv.executeSql(
                        "INSERT INTO customers_v2 VALUES (2, 'Grace', 'grace@example.com', DATE '2026-11-24')")
                .await(2, TimeUnit.MINUTES);

        assertThat(wh.rows("SELECT id, name, email, signup FROM evo.customers ORDER BY id"))
                .containsExactly("1|Ada|null|null", "2|Grace|grace@example.com|2026-11-24");
    }

    @Test
    void widensTargetColumnsNarrowerThanTheSinkWrites() throws Exception {
        wh.execute(
                "DROP SCHEMA IF EXISTS widen CASCADE",
                "CREATE SCHEMA widen",
                "CREATE TABLE widen.orders (id integer PRIMARY KEY, qty integer, note varchar(5),"
                        + " price numeric(6,2))",
                "INSERT INTO widen.orders VALUES (1, 3, 'short', 9.99)");
        TableEnvironment tEnv = tableEnv();
        tEnv.executeSql(
                "CREATE TABLE orders_v2 (id INT NOT NULL, qty BIGINT, note STRING,"
                        + " price DECIMAL(14, 4), PRIMARY KEY (id) NOT ENFORCED)"
                        + with("widen", "orders"));
        tEnv.executeSql(
                        "INSERT INTO orders_v2 VALUES (2, 5000000000, 'a note longer than five',"
                                + " CAST(1234567.1234 AS DECIMAL(14, 4)))")
                .await(2, TimeUnit.MINUTES);

        assertThat(wh.rows("SELECT id, qty, note, price FROM widen.orders ORDER BY id"))
                .containsExactly(
                        "1|3|short|9.9900", "2|5000000000|a note longer than five|1234567.1234");
        assertThat(
                        wh.rows(
                                "SELECT data_type FROM information_schema.columns WHERE"
                                        + " table_schema = 'widen' AND table_name = 'orders'"
                                        + " ORDER BY ordinal_position"))
                .containsExactly("integer", "bigint", "text", "numeric");
    }

    @Test
    void failPolicyRefusesToStartNamingTheMissingColumns() throws Exception {
        wh.execute(
                "DROP SCHEMA IF EXISTS strict CASCADE",
                "CREATE SCHEMA strict",
                "CREATE TABLE strict.customers (id integer PRIMARY KEY, name text)");
        TableEnvironment tEnv = tableEnv();
        tEnv.executeSql(
                "CREATE TABLE strict_customers (id INT NOT NULL, name STRING, email STRING,"
                        + " PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'tributary-redshift',"
                        + " 'url' = '"
                        + wh.url
                        + "', 'schema-name' = 'strict', 'table-name' = 'customers',"
                        + " 'sink.schema-evolution' = 'FAIL')");
        assertThatThrownBy(
                        () ->
                                tEnv.executeSql("INSERT INTO strict_customers VALUES (1, 'a', 'b')")
                                        .await(2, TimeUnit.MINUTES))
                .hasStackTraceContaining("lacks columns [email]");
        assertThat(
                        wh.rows(
                                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'strict' ORDER BY ordinal_position"))
                .containsExactly("id", "name");
    }

    @Test
    void preAndPostActionsRunInsideEachCommit() throws Exception {
        wh.execute(
                "DROP SCHEMA IF EXISTS actions CASCADE",
                "CREATE SCHEMA actions",
                "CREATE TABLE actions.audit (note text)");
        TableEnvironment tEnv = tableEnv();
        tEnv.executeSql(
                "CREATE TABLE t (id INT NOT NULL, PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + " 'connector' = 'tributary-redshift', 'url' = '"
                        + wh.url
                        + "', 'schema-name' = 'actions', 'table-name' = 't',"
                        + " 'sink.pre-actions' = 'INSERT INTO actions.audit VALUES (''pre'')',"
                        + " 'sink.post-actions' = 'INSERT INTO actions.audit SELECT ''post:'' ||"
                        + " count(*) FROM actions.t')");
        tEnv.executeSql("INSERT INTO t VALUES (1), (2), (3)").await(2, TimeUnit.MINUTES);
        assertThat(wh.rows("SELECT note FROM actions.audit")).containsExactly("pre", "post:3");
    }

    /**
     * With no staging option, a job that has a checkpoint directory stages its rows as files there
     * (each row written once in the warehouse); asked for a table, or with no directory, it stages
     * in a table. Either way the rows land once.
     */
    @Test
    void stagesFilesUnderTheCheckpointDirectoryUnlessToldToUseATable(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        wh.execute("DROP SCHEMA IF EXISTS staged CASCADE");
        java.nio.file.Path checkpoints = dir.resolve("checkpoints");
        java.nio.file.Path staging = checkpoints.resolve("tributary-staging");
        for (String how : new String[] {"default", "table"}) {
            Configuration conf = conf();
            conf.setString("execution.checkpointing.dir", checkpoints.toUri().toString());
            TableEnvironment tEnv =
                    TableEnvironment.create(
                            EnvironmentSettings.newInstance()
                                    .inStreamingMode()
                                    .withConfiguration(conf)
                                    .build());
            String table = "orders_" + how;
            String options = with("staged", table);
            if (how.equals("table")) {
                options = options.replace(")", ", 'sink.staging' = 'table')");
            }
            tEnv.executeSql(
                    "CREATE TABLE t (id INT NOT NULL, amount BIGINT, PRIMARY KEY (id) NOT"
                            + " ENFORCED)"
                            + options);
            var result =
                    tEnv.executeSql(
                            "INSERT INTO t SELECT CAST(v AS INT), CAST(v * 10 AS BIGINT) FROM"
                                    + " (VALUES (1), (2), (3)) AS v(v)");
            String job = result.getJobClient().orElseThrow().getJobID().toHexString();
            result.await(2, TimeUnit.MINUTES);

            assertThat(wh.rows("SELECT id, amount FROM staged." + table + " ORDER BY id"))
                    .containsExactly("1|10", "2|20", "3|30");
            java.nio.file.Path jobStage = staging.resolve(job);
            if (how.equals("default")) {
                assertThat(jobStage).as("the job staged files under its checkpoints").isDirectory();
                try (var left = java.nio.file.Files.list(jobStage)) {
                    assertThat(left).as("staged files removed once committed").isEmpty();
                }
            } else {
                assertThat(jobStage).as("asked for a table, no file staged").doesNotExist();
            }
        }
    }
}
