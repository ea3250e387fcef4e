package io.tributary.jobs.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pipeline files in, checked definitions or errors that name the file, line and key out. */
class PipelineParserTest {

    private static final String VALID =
            """
            version: 1
            name: shop-orders
            settings:
              parallelism: 2
              checkpoint-interval: 30 s
              restart: {strategy: exponential-delay, attempts: 7, delay: 2 s}
              timeout: 2 h
            sources:
              - name: orders
                type: s3
                path: s3://${bucket}/orders/
                format: csv
                columns:
                  id: BIGINT
                  amount: DECIMAL(10, 2)
                  dt: STRING
                partition-keys: [dt]
              - name: customers
                type: cdc
                url: jdbc:mysql://db:3306/shop
                table: shop.customers
                user: etl
                password: ${DB_PASSWORD:-changeme}
                columns: {id: INT NOT NULL, name: STRING}
                primary-key: id
            transforms:
              - name: typed
                from: orders
                mappings:
                  - {source: id, target: order_id}
                  - {source: amount, target: total, type: "DECIMAL(12, 2)"}
                filter: amount > 0
              - name: joined
                sql: |
                  SELECT t.order_id, t.total, c.name
                  FROM typed t JOIN customers c ON t.order_id = c.id
            sinks:
              - name: warehouse
                type: warehouse
                from: joined
                url: jdbc:postgresql://wh:5432/dw
                table: analytics.orders
                keys: [order_id]
            """;

    private static PipelineDef parse(String text) {
        return new PipelineParser(name -> Optional.ofNullable(Map.of("bucket", "lake").get(name)))
                .parse("p.yaml", text);
    }

    private static void fails(String text, int line, String key, String message) {
        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(PipelineException.class)
                .satisfies(
                        e -> {
                            PipelineException p = (PipelineException) e;
                            assertThat(p.file()).isEqualTo("p.yaml");
                            assertThat(p.line()).as(p.getMessage()).isEqualTo(line);
                            assertThat(p.key()).as(p.getMessage()).isEqualTo(key);
                            assertThat(p.getMessage())
                                    .startsWith(
                                            "p.yaml:"
                                                    + line
                                                    + ": "
                                                    + (key.isEmpty() ? "" : key + ": "))
                                    .contains(message);
                        });
    }

    @Test
    void readsEveryPartOfAValidPipeline() {
        PipelineDef p = parse(VALID);
        assertThat(p.name()).isEqualTo("shop-orders");
        assertThat(p.settings().parallelism()).isEqualTo(2);
        assertThat(p.settings().checkpointInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.settings().restart().strategy()).isEqualTo("exponential-delay");
        assertThat(p.settings().restart().attempts()).isEqualTo(7);
        assertThat(p.settings().timeout()).isEqualTo(Duration.ofHours(2));
        SourceDef orders = p.sources().get(0);
        assertThat(orders.setting("path")).isEqualTo("s3://lake/orders/");
        assertThat(orders.columns())
                .containsExactly(
                        Map.entry("id", "BIGINT"),
                        Map.entry("amount", "DECIMAL(10, 2)"),
                        Map.entry("dt", "STRING"));
        assertThat(orders.at().line()).isEqualTo(9);
        assertThat(p.sources().get(1).setting("password")).isEqualTo("changeme");
        assertThat(p.sources().get(1).primaryKey()).containsExactly("id");
        TransformDef typed = p.transforms().get(0);
        assertThat(typed.mappings())
                .containsExactly(
                        new TransformDef.MappingDef("id", "order_id", null),
                        new TransformDef.MappingDef("amount", "total", "DECIMAL(12, 2)"));
        assertThat(p.transforms().get(1).sqlLine()).isEqualTo(35);
        SinkDef sink = p.sinks().get(0);
        assertThat(sink.setting("mode")).isEqualTo("upsert");
        assertThat(sink.keys()).containsExactly("order_id");
    }

    @Test
    void aMisspeltKeyIsNamedWithItsLineAndTheNearestKnownKey() {
        fails(
                VALID.replace("    format: csv", "    fromat: csv"),
                12,
                "sources[0].fromat",
                "did you mean 'format'?");
    }

    @Test
    void anUnknownInputOfASinkIsNamed() {
        fails(
                VALID.replace("    from: joined", "    from: joinde"),
                40,
                "sinks[0].from",
                "'joinde' is not a source or transform");
    }

    @Test
    void aTransformMayOnlyReadEarlierNames() {
        fails(
                VALID.replace("    from: orders", "    from: joined"),
                28,
                "transforms[0].from",
                "'joined' is not a source or an earlier transform");
    }

    @Test
    void badValuesAreNamedWithTheirKey() {
        fails(
                VALID.replace("amount: DECIMAL(10, 2)", "amount: DECIMAL(10, 2"),
                15,
                "sources[0].columns.amount",
                "is not a Flink SQL type");
        fails(
                VALID.replace("checkpoint-interval: 30 s", "checkpoint-interval: soon"),
                5,
                "settings.checkpoint-interval",
                "is not a duration");
        fails(
                VALID.replace("type: cdc", "type: mysql"),
                19,
                "sources[1].type",
                "'mysql' is not one of s3, cdc, kafka, catalog");
        fails(
                VALID.replace("    primary-key: id\n", ""),
                18,
                "sources[1].primary-key",
                "is required for a change stream");
        fails(
                VALID.replace("    keys: [order_id]\n", "    mode: upsert\n"),
                38,
                "sinks[0].keys",
                "is required with mode: upsert");
        fails(
                VALID.replace("name: typed", "name: orders"),
                27,
                "transforms[0].name",
                "'orders' is already the name of sources[0]");
        fails(
                VALID.replace("  - name: joined\n", "  - name: joined\n    join-state: lean\n"),
                34,
                "transforms[1].join-state",
                "join-state is full (Flink's join: both sides kept) or dimension");
        fails(
                VALID.replace("    filter: amount > 0\n", "    join-state: dimension\n"),
                32,
                "transforms[0].join-state",
                "join-state goes with sql");
        assertThat(
                        parse(
                                        VALID.replace(
                                                "  - name: joined\n",
                                                "  - name: joined\n    join-state: Dimension\n"))
                                .transforms()
                                .get(1)
                                .dimensionJoin())
                .isTrue();
    }

    @Test
    void aSecretIsReadFromAFileAndAMissingFileIsNamedWithoutContent(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path secret = dir.resolve("db-password");
        java.nio.file.Files.writeString(secret, "s3cr3t-from-file\n");
        PipelineDef p = parse(VALID.replace("${DB_PASSWORD:-changeme}", "${file:" + secret + "}"));
        assertThat(p.sources().get(1).setting("password")).isEqualTo("s3cr3t-from-file");
        fails(
                VALID.replace("${DB_PASSWORD:-changeme}", "${file:" + dir.resolve("nope") + "}"),
                23,
                "sources[1].password",
                "${file:" + dir.resolve("nope") + "} cannot be read (NoSuchFileException)");
    }

    @Test
    void anUndefinedVariableIsNamed() {
        fails(
                VALID.replace("s3://${bucket}/", "s3://${lake_bucket}/"),
                11,
                "sources[0].path",
                "variable ${lake_bucket} is not defined");
    }

    @Test
    void brokenYamlAndMissingPartsAreReported() {
        fails("version: 1\nname: x\nsources: [\n", 4, "", "is not valid YAML");
        fails("name: x\nsources: []\nsinks: []\n", 1, "version", "is required");
        fails("version: 2\nname: x\n", 1, "version", "format version 2 is not known");
        fails("version: 1\nname: Bad Name\n", 2, "name", "is not a pipeline name");
        fails("version: 1\nname: x\nsinks: []\n", 1, "sources", "is required");
        fails(
                "version: 1\nname: x\nsources:\n  - name: a\n    type: s3\n    path: s3://b/\n    format: json\n    columns: {id: INT}\n",
                1,
                "sinks",
                "is required");
        fails("version: 1\nname: x\nversion: 1\n", 3, "version", "appears twice");
    }
}
