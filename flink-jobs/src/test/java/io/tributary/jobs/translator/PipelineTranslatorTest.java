package io.tributary.jobs.translator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineException;
import io.tributary.jobs.definition.PipelineParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.Test;

/**
 * What a pipeline becomes in Flink SQL: the reference example's statements, Glue-style mappings,
 * secrets kept out of the plan, and a broken query reported at its line in the pipeline file.
 */
class PipelineTranslatorTest {

    static final Map<String, String> VARS =
            Map.ofEntries(
                    Map.entry("s3.endpoint", "http://127.0.0.1:9000"),
                    Map.entry("s3.access-key", "AK"),
                    Map.entry("s3.secret-key", "very-secret-s3"),
                    Map.entry("mariadb.host", "127.0.0.1"),
                    Map.entry("mariadb.port", "3307"),
                    Map.entry("mariadb.user", "root"),
                    Map.entry("mariadb.password", "very-secret-db"),
                    Map.entry("postgres.host", "127.0.0.1"),
                    Map.entry("postgres.port", "5433"),
                    Map.entry("postgres.user", "postgres"),
                    Map.entry("postgres.password", "very-secret-wh"));

    private static PipelineDef parse(String file, String text) {
        return new PipelineParser(n -> Optional.ofNullable(VARS.get(n))).parse(file, text);
    }

    private static List<String> plan(PipelineDef p) {
        TableEnvironment env =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance().inStreamingMode().build());
        PipelineTranslator t = new PipelineTranslator(p, Paths.get("/tmp/home"));
        t.translate(env);
        return t.plan();
    }

    /** The reference pipeline with Flink's join (join-state: full) instead of the shipped one. */
    private static String fullJoin(String text) {
        String shipped = "    join-state: dimension\n";
        assertThat(text).contains(shipped);
        return text.replace(shipped, "    join-state: full\n");
    }

    static Path example() {
        Path p = Paths.get("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("examples"))) {
            p = p.getParent();
        }
        return p.resolve("examples/ecommerce/pipeline.yaml");
    }

    @Test
    void theReferencePipelinesJoinKeepsOneRowPerOrderAndNoSecondCopy() throws Exception {
        // without the lake sink: planning it loads its table (Iceberg's committer needs the
        // table's spec), which takes the lake's S3 server and catalog; the join is the same.
        // With Flink's join (join-state: full), which the shipped pipeline can be switched to
        String text = fullJoin(Files.readString(example()));
        int lake = text.indexOf("\n  # The same rows as an Apache Iceberg table");
        assertThat(lake).isPositive();
        PipelineDef p = parse("pipeline.yaml", text.substring(0, lake + 1));
        // the job's configuration, as tributary run gives it (the pipeline's flink: settings)
        org.apache.flink.configuration.Configuration conf =
                new org.apache.flink.configuration.Configuration();
        PipelineTranslator.jobConfiguration(p, "file:/tmp/home/jobs/x/checkpoints")
                .forEach(conf::setString);
        TableEnvironment env =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance()
                                .inStreamingMode()
                                .withConfiguration(conf)
                                .build());
        String plan = new PipelineTranslator(p, Paths.get("/tmp/home")).translate(env).explain();
        // one row per order in the join's state, and no materializer copy before the sink
        assertThat(plan)
                .contains("leftInputSpec=[HasUniqueKey]")
                .doesNotContain("upsertMaterialize=[true]");
    }

    @Test
    void aViewFeedingSeveralSinksIsJoinedOnceNotOncePerSink() throws Exception {
        // the reference pipeline's two sinks (the lake's keys are order and day; rows without a
        // day go to its quarantine), with a second warehouse table standing in for the lake,
        // whose planning takes its S3 server and catalog: each sink's key filter folded into its
        // own copy of the view would join every order three times, in three states (with
        // Flink's join, join-state: full)
        String text = fullJoin(Files.readString(example()));
        int lake = text.indexOf("\n  # The same rows as an Apache Iceberg table");
        assertThat(lake).isPositive();
        String head = text.substring(0, lake + 1);
        int warehouse = head.indexOf("  - name: warehouse");
        String second =
                head.substring(warehouse)
                        .replace("name: warehouse", "name: by_day")
                        .replace("analytics.sales_enriched", "analytics.sales_by_day")
                        .replace("keys: [order_id]", "keys: [order_id, dt]");
        PipelineDef p = parse("pipeline.yaml", head + second);
        TableEnvironment env =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance().inStreamingMode().build());
        String plan = new PipelineTranslator(p, Paths.get("/tmp/home")).translate(env).explain();
        String execution = plan.substring(plan.indexOf("== Optimized Execution Plan =="));
        assertThat(execution.split("\\bJoin\\(", -1).length - 1)
                .as("joins in the plan:%n%s", execution)
                .isEqualTo(1);
        assertThat(execution).contains("Sink(table=[default_catalog.default_database.sink_by_day]");
        assertThat(execution).contains("quarantine_by_day");
    }

    @Test
    void tlsSettingsReachEveryDriverUnderItsOwnName() throws Exception {
        String text =
                """
                version: 1
                name: tls
                sources:
                  - name: pg
                    type: cdc
                    url: jdbc:postgresql://db.internal:5432/shop
                    table: public.customers
                    user: etl
                    password: x
                    ssl-mode: VERIFY-FULL
                    ssl-root-cert: /etc/ssl/rds-ca.pem
                    columns: {id: INT NOT NULL}
                    primary-key: [id]
                  - name: my
                    type: cdc
                    url: jdbc:mysql://db.internal:3306/shop
                    table: shop.orders
                    user: etl
                    password: x
                    ssl-mode: verify-ca
                    columns: {id: INT NOT NULL}
                    primary-key: [id]
                sinks:
                  - name: out
                    type: warehouse
                    from: pg
                    url: jdbc:postgresql://wh.internal/db
                    ssl-mode: verify-full
                    ssl-root-cert: /etc/ssl/wh-ca.pem
                    table: t
                    keys: [id]
                  - name: out2
                    type: warehouse
                    from: my
                    url: jdbc:postgresql://wh.internal/db
                    table: t2
                    keys: [id]
                """;
        String sql = String.join("\n", plan(parse("tls.yaml", text)));
        assertThat(sql)
                .contains("'debezium.database.sslmode' = 'verify-full'")
                .contains("'debezium.database.sslrootcert' = '/etc/ssl/rds-ca.pem'")
                .contains("'debezium.database.ssl.mode' = 'verify_ca'")
                .contains("'jdbc.properties.sslMode' = 'VERIFY_CA'")
                .contains("'ssl.mode' = 'verify-full'")
                .contains("'ssl.root-cert' = '/etc/ssl/wh-ca.pem'");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "bad.yaml",
                                        text.replace("ssl-mode: verify-ca", "ssl-mode: sure")))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("'sure' is not one of disable, allow, prefer, require");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "bad.yaml",
                                        text.replace(
                                                "ssl-mode: verify-ca",
                                                "ssl-mode: verify-ca\n    ssl-root-cert: /ca.pem")))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("truststore");
    }

    @Test
    void kafkaSecurityBecomesClientPropertiesWithThePasswordMasked() throws Exception {
        String text =
                """
                version: 1
                name: msk
                sources:
                  - name: orders
                    type: kafka
                    topic: orders
                    bootstrap-servers: b-1.msk.internal:9096
                    format: json
                    security-protocol: sasl_ssl
                    sasl-mechanism: scram-sha-512
                    sasl-username: etl
                    sasl-password: pa"ss\\word-very-secret
                    ssl-root-cert: /etc/ssl/msk-ca.pem
                    columns: {id: INT}
                sinks:
                  - name: out
                    type: kafka
                    from: orders
                    topic: out
                    bootstrap-servers: b-1.msk.internal:9096
                    security-protocol: ssl
                """;
        String sql = String.join("\n", plan(parse("msk.yaml", text)));
        assertThat(sql)
                .contains("'properties.security.protocol' = 'SASL_SSL'")
                .contains("'properties.sasl.mechanism' = 'SCRAM-SHA-512'")
                .contains("'properties.ssl.truststore.type' = 'PEM'")
                .contains("'properties.ssl.truststore.location' = '/etc/ssl/msk-ca.pem'")
                .contains("'properties.security.protocol' = 'SSL'")
                .contains("'properties.transaction.timeout.ms' = '900000'")
                .doesNotContain("very-secret");
        assertThatThrownBy(
                        () -> parse("bad.yaml", text.replaceAll("(?m)^ *sasl-password:.*\n", "")))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("needs sasl-username and sasl-password together");
    }

    @Test
    void theReferencePipelineIsOneJobOfTwoSourcesAJoinAndTheWarehouse() throws Exception {
        PipelineDef p = parse("pipeline.yaml", Files.readString(example()));
        // as shipped: join-state: dimension, which builds its join on the DataStream API
        PipelineTranslator translator = new PipelineTranslator(p, Paths.get("/tmp/home"));
        translator.translate(
                org.apache.flink.table.api.bridge.java.StreamTableEnvironment.create(
                        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
                                .getExecutionEnvironment()));
        String sql = String.join("\n", translator.plan());
        assertThat(sql)
                .contains("CREATE TEMPORARY TABLE `sales`")
                .contains("'connector' = 'tributary-s3'")
                .contains("'path' = 's3://tributary-demo/sales/'")
                .contains("'connector' = 'tributary-lake'")
                .contains("'partition-by' = 'day(dt)'")
                .contains("PARTITIONED BY (`dt`)")
                .contains("CREATE TEMPORARY TABLE `customers`")
                .contains("'connector' = 'tributary-cdc'")
                .contains("'database-type' = 'mysql'")
                .contains("'hostname' = '127.0.0.1'")
                .contains("'database-name' = 'shop'")
                .contains("PRIMARY KEY (`id`) NOT ENFORCED")
                .contains("CREATE TEMPORARY VIEW `sales_enriched__select`")
                .contains("sales_enriched: the rows of sales_enriched__select, computed once")
                .contains("'connector' = 'tributary-redshift'")
                .contains("'schema-name' = 'analytics'")
                .contains("'table-name' = 'sales_enriched'")
                .contains("'sink.mode' = 'UPSERT'")
                .contains("'sink.schema-evolution' = 'EVOLVE'")
                .contains("`customer_name` VARCHAR(2147483647)")
                .contains("`amount` DECIMAL(12, 2)")
                // a customer's change has no order_id: the keys go as the sinks' option
                .contains("'sink.keys' = 'order_id'")
                .contains("'sink.keys' = 'order_id;dt'")
                .contains("join-state dimension")
                .contains("INSERT INTO `sink_warehouse` SELECT * FROM `sales_enriched`");
        // the plan is printed: no secret in it
        assertThat(sql).doesNotContain("very-secret").contains("'password' = '******'");
        Map<String, String> conf =
                PipelineTranslator.jobConfiguration(p, "file:/h/jobs/x/checkpoints");
        assertThat(conf)
                .containsEntry("pipeline.name", "tributary: ecommerce-sales-enriched")
                .containsEntry("state.checkpoints.dir", "file:/h/jobs/x/checkpoints")
                .containsEntry("state.savepoints.dir", "file:/h/jobs/x/savepoints")
                .containsEntry(
                        "execution.checkpointing.externalized-checkpoint-retention",
                        "RETAIN_ON_CANCELLATION")
                .containsEntry("restart-strategy.type", "fixed-delay")
                .containsEntry("restart-strategy.fixed-delay.attempts", "5")
                // chained operators hand records on without a copy each
                .containsEntry("pipeline.object-reuse", "true");
    }

    private static final String MAPPED =
            """
            version: 1
            name: mapped
            settings: {schema-evolution: fail}
            sources:
              - name: raw
                type: s3
                path: s3://b/raw/
                format: csv
                columns: {id: STRING, price: STRING, note: STRING}
            transforms:
              - name: typed
                from: raw
                mappings:
                  - {source: id, target: order_id, type: BIGINT}
                  - {source: price, target: price, type: "DECIMAL(10, 2)"}
                  - {source: "UPPER(note)", target: note_upper}
                filter: id IS NOT NULL
              - name: chosen
                from: raw
                resolve-choice: {price: DOUBLE}
            sinks:
              - name: out
                type: warehouse
                from: typed
                url: jdbc:postgresql://h/db
                table: t
              - name: out2
                type: warehouse
                from: chosen
                url: jdbc:postgresql://h/db
                table: t2
            """;

    @Test
    void mappingsResolveChoiceAndFilterBecomeOneSelect() {
        String sql = String.join("\n", plan(parse("m.yaml", MAPPED)));
        assertThat(sql)
                .contains(
                        "SELECT CAST(`id` AS BIGINT) AS `order_id`, CAST(`price` AS DECIMAL(10, 2)) AS"
                                + " `price`, (UPPER(note)) AS `note_upper` FROM `raw` WHERE id IS NOT"
                                + " NULL")
                .contains("SELECT `id`, CAST(`price` AS DOUBLE) AS `price`, `note` FROM `raw`")
                .contains("`order_id` BIGINT")
                .contains("'sink.mode' = 'APPEND'")
                .contains("'sink.schema-evolution' = 'FAIL'");
    }

    @Test
    void aBrokenQueryIsReportedAtItsLineInThePipelineFile() {
        String broken =
                MAPPED.replace(
                        "  - name: chosen\n    from: raw\n    resolve-choice: {price: DOUBLE}\n",
                        "  - name: chosen\n    sql: |\n      SELECT id,\n             nope\n      FROM `raw`\n");
        assertThatThrownBy(() -> plan(parse("m.yaml", broken)))
                .isInstanceOf(PipelineException.class)
                .hasMessageStartingWith("m.yaml:21: transforms[1].sql: ")
                .hasMessageContaining("nope");
    }

    @Test
    void anUnknownColumnInAFilterIsReportedAtTheFilterKey() {
        // the filter reads the input's columns: order_id is a mapping's target, not one of raw's
        String broken = MAPPED.replace("filter: id IS NOT NULL", "filter: order_id > 0");
        assertThatThrownBy(() -> plan(parse("m.yaml", broken)))
                .isInstanceOf(PipelineException.class)
                .hasMessageStartingWith("m.yaml:17: transforms[0].filter: ")
                .hasMessageContaining("order_id")
                .hasMessageContaining(
                        "a filter reads the columns of 'raw' before the mappings: id, price, note");
    }

    @Test
    void aSinkKeyMustBeAColumnOfItsInput() {
        String broken = MAPPED.replace("    table: t\n", "    table: t\n    keys: [id]\n");
        assertThatThrownBy(() -> plan(parse("m.yaml", broken)))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining(
                        "sinks[0].keys: 'id' is not a column of 'typed' (order_id, price, note_upper)");
    }

    @Test
    void aConnectorsRefusalNeverShowsASecret() {
        // mysql-cdc refuses an unknown option when the job is planned; Flink's message lists every
        // table option, the password included
        String text =
                """
                version: 1
                name: refused
                sources:
                  - name: customers
                    type: cdc
                    url: jdbc:mysql://127.0.0.1:1/shop
                    table: shop.customers
                    user: etl
                    password: hunter2-very-secret
                    columns: {id: INT NOT NULL}
                    primary-key: [id]
                    options: {no-such-option: x}
                sinks:
                  - name: out
                    type: warehouse
                    from: customers
                    url: jdbc:postgresql://h/db
                    table: t
                    keys: [id]
                """;
        assertThatThrownBy(() -> plan(parse("r.yaml", text)))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("no-such-option")
                .hasNoCause()
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }
}
