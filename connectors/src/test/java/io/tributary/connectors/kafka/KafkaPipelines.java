package io.tributary.connectors.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.connectors.cdc.CdcConnection;
import io.tributary.connectors.cdc.CdcSourceBuilder;
import io.tributary.connectors.cdc.FailingChanges;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.connectors.redshift.Warehouse;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.TreeSet;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.functions.UserDefinedFunction;

/**
 * The two Kafka jobs of the fault tests: MariaDB {@code <database>.orders(id, qty)} → CDC → Kafka
 * (exactly-once, Debezium JSON) in one job, the topic (read_committed, {@code debezium-json}) → the
 * warehouse's {@code public.orders} in another; checkpoints every 300 ms, restarts every 500 ms.
 */
final class KafkaPipelines {

    private KafkaPipelines() {}

    /** Creates {@code orders} with ids 1..rows. */
    static void orders(MariaDbService db, String database, int rows) throws Exception {
        db.createDatabase(database);
        try (Connection c = db.connect(database);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS orders");
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, qty INT NOT NULL)");
            s.execute(
                    "INSERT INTO orders SELECT seq, seq % 7 FROM seq_1_to_"
                            + rows
                            + " ORDER BY seq");
        }
    }

    /**
     * Starts MariaDB → CDC → {@code between} (none when null) → Kafka topic {@code
     * <prefix>.<database>.orders}.
     */
    static JobClient cdcToKafka(
            MariaDbService db,
            String database,
            String prefix,
            MapFunction<ChangeRecord, ChangeRecord> between,
            String name)
            throws Exception {
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(FailingChanges.jobConfiguration());
        env.setParallelism(1);
        DataStream<ChangeRecord> changes =
                env.fromSource(
                        CdcSourceBuilder.forConnection(
                                        CdcConnection.parse(db.jdbcUrl(database), null, null))
                                .tables(database + ".orders")
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "cdc");
        if (between != null) {
            changes = changes.map(between);
        }
        changes.sinkTo(
                KafkaChanges.sink(SharedServices.kafka().bootstrapServers())
                        .topicPrefix(prefix)
                        .json()
                        .build());
        return env.executeAsync(name);
    }

    /**
     * Starts the topic → warehouse job: {@code INSERT INTO orders SELECT id, <qty> FROM changes},
     * where {@code qty} may call {@code function} (registered as {@code fn} when not null).
     */
    static TableResult kafkaToWarehouse(
            String topic, String group, Warehouse wh, String qty, UserDefinedFunction function) {
        TableEnvironment t =
                TableEnvironment.create(
                        org.apache.flink.table.api.EnvironmentSettings.newInstance()
                                .inStreamingMode()
                                .withConfiguration(FailingChanges.jobConfiguration())
                                .build());
        if (function != null) {
            t.createTemporarySystemFunction("fn", function);
        }
        t.executeSql(
                "CREATE TABLE changes (id INT, qty INT, PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + " 'connector' = 'kafka', 'topic' = '"
                        + topic
                        + "', 'properties.bootstrap.servers' = '"
                        + SharedServices.kafka().bootstrapServers()
                        + "', 'properties.group.id' = '"
                        + group
                        + "',"
                        + " 'properties.isolation.level' = 'read_committed',"
                        + " 'scan.startup.mode' = 'earliest-offset', 'format' = 'debezium-json')");
        t.executeSql(
                "CREATE TABLE orders (id INT, qty INT, PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + " 'connector' = 'tributary-redshift', 'url' = '"
                        + wh.url
                        + "', 'schema-name' = 'public', 'table-name' = 'orders')");
        return t.executeSql("INSERT INTO orders SELECT id, " + qty + " FROM changes");
    }

    /** The failures a job recovered from so far: its exception history, from the REST API. */
    static int restarts(JobClient job) throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                SharedServices.flink()
                                                        .restAddress()
                                                        .resolve(
                                                                "/jobs/"
                                                                        + job.getJobID()
                                                                                .toHexString()
                                                                        + "/exceptions"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        JsonNode n = new ObjectMapper().readTree(r.body());
        return n.path("exceptionHistory").path("entries").size();
    }

    /** MariaDB's {@code orders} as "id|qty". */
    static TreeSet<String> source(MariaDbService db, String database) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        try (Connection c = db.connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, qty FROM orders")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "|" + rs.getInt(2));
            }
        }
        return out;
    }

    /** The warehouse's {@code public.orders} as "id|qty". */
    static TreeSet<String> warehouse(Warehouse wh) throws Exception {
        return new TreeSet<>(wh.rows("SELECT id, qty FROM public.orders"));
    }
}
