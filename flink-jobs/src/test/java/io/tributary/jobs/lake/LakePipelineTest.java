package io.tributary.jobs.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.iceberg.TributaryIcebergCatalog;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineException;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.translator.PipelineTranslator;
import io.tributary.jobs.values.Values;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code type: lake} in a pipeline file, run on the values source into a lake whose warehouse is a
 * local folder: the YAML keys reach the lake sink, keys make it an upsert, partition-by becomes the
 * table's spec, and mistakes are errors at their line.
 */
class LakePipelineTest {

    @TempDir Path home;

    private static final String PIPELINE =
            """
            version: 1
            name: values-to-lake
            settings:
              parallelism: 1
              checkpoint-interval: 1 s
            sources:
              - name: customers
                type: values
                id: lake-customers
                columns: {id: INT NOT NULL, name: STRING, country: STRING}
                primary-key: [id]
            sinks:
              - name: lake
                type: lake
                from: customers
                table: crm.customers
                keys: [id]
                warehouse: %s
                partition-by: [bucket(4, id)]
            """;

    private PipelineDef parse(String yaml) {
        return new PipelineParser(n -> Optional.empty()).parse("lake.yaml", yaml);
    }

    @Test
    void aChangelogLandsInTheLakeTablePartitionedAsTheYamlSays() throws Exception {
        Values.source(
                "lake-customers",
                List.of(
                        Row.ofKind(RowKind.INSERT, 1, "Ada", "UK"),
                        Row.ofKind(RowKind.INSERT, 2, "Grace", "US"),
                        Row.ofKind(RowKind.UPDATE_BEFORE, 1, "Ada", "UK"),
                        Row.ofKind(RowKind.UPDATE_AFTER, 1, "Ada L.", "FR"),
                        Row.ofKind(RowKind.DELETE, 2, "Grace", "US")));
        String warehouse = home.resolve("lake").toUri().toString();
        PipelineDef pipeline = parse(PIPELINE.formatted(warehouse));
        TableEnvironment env =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance().inStreamingMode().build());
        new PipelineTranslator(pipeline, home).translate(env).execute().await();

        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"));
                TributaryIcebergCatalog catalog = new TributaryIcebergCatalog(store)) {
            catalog.initialize("t", Map.of("warehouse", warehouse));
            Table t = catalog.loadTable(TableIdentifier.of("crm", "customers"));
            List<String> rows = new ArrayList<>();
            try (CloseableIterable<Record> records = IcebergGenerics.read(t).build()) {
                records.forEach(
                        r ->
                                rows.add(
                                        r.getField("id")
                                                + "|"
                                                + r.getField("name")
                                                + "|"
                                                + r.getField("country")));
            }
            assertThat(rows).containsExactly("1|Ada L.|FR");
            assertThat(t.spec().fields()).extracting(f -> f.name()).containsExactly("id_bucket");
            assertThat(t.schema().identifierFieldNames()).containsExactly("id");
        }
    }

    @Test
    void rowsWithoutAKeyGoToTheQuarantineWithTheirReasonAndTheOthersLand() throws Exception {
        Values.source(
                "lake-orders",
                List.of(
                        Row.of(1L, "Ada"),
                        Row.of(null, "Grace"),
                        Row.of(2L, "Linus"),
                        Row.of(null, "Barbara")));
        String warehouse = home.resolve("lake").toUri().toString();
        String yaml =
                """
                version: 1
                name: orders-to-lake
                settings:
                  parallelism: 1
                sources:
                  - name: orders
                    type: values
                    id: lake-orders
                    columns: {order_id: BIGINT, customer: STRING}
                sinks:
                  - name: lake
                    type: lake
                    from: orders
                    table: shop.orders
                    keys: [order_id]
                    warehouse: %s
                """
                        .formatted(warehouse);
        TableEnvironment env =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance().inStreamingMode().build());
        PipelineTranslator translator = new PipelineTranslator(parse(yaml), home);
        translator.translate(env).execute().await();
        assertThat(String.join("\n", translator.plan()))
                .contains("WHERE `order_id` IS NOT NULL")
                .contains("'connector' = 'tributary-quarantine'");

        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"));
                TributaryIcebergCatalog catalog = new TributaryIcebergCatalog(store)) {
            catalog.initialize("t", Map.of("warehouse", warehouse));
            Table t = catalog.loadTable(TableIdentifier.of("shop", "orders"));
            List<String> rows = new ArrayList<>();
            try (CloseableIterable<Record> records = IcebergGenerics.read(t).build()) {
                records.forEach(
                        r -> rows.add(r.getField("order_id") + "|" + r.getField("customer")));
            }
            assertThat(rows).containsExactlyInAnyOrder("1|Ada", "2|Linus");
        }
        Path quarantine =
                Path.of(
                        java.net.URI.create(
                                PipelineTranslator.sinkQuarantine(home, "orders-to-lake", "lake")));
        List<String> entries = new ArrayList<>();
        try (var files = java.nio.file.Files.list(quarantine)) {
            for (Path f : files.sorted().toList()) {
                entries.add(java.nio.file.Files.readString(f));
            }
        }
        assertThat(entries)
                .hasSize(2)
                .allSatisfy(
                        e ->
                                assertThat(e)
                                        .contains("key column order_id null")
                                        .contains(
                                                "\"file\":\"sink lake of pipeline orders-to-lake\""));
        assertThat(String.join("\n", entries)).contains("Grace").contains("Barbara");
    }

    @Test
    void aMalformedPartitionIsAnErrorAtItsLineAndAMissingColumnOneBeforeTheJobRuns() {
        String malformed =
                PIPELINE.formatted("s3://lake/w").replace("bucket(4, id)", "bucket 4 id");
        assertThatThrownBy(() -> parse(malformed))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("lake.yaml:")
                .hasMessageContaining("'bucket 4 id' is not a column");
        String missing =
                PIPELINE.formatted(home.resolve("w").toUri())
                        .replace("bucket(4, id)", "bucket(4, nope)");
        assertThatThrownBy(() -> translate(missing)).hasStackTraceContaining("no column 'nope'");
    }

    @Test
    void anUpsertTablePartitionedByAColumnOutsideItsKeysIsRefusedBeforeTheJobRuns() {
        String yaml =
                PIPELINE.formatted(home.resolve("w").toUri())
                        .replace("[bucket(4, id)]", "[country, bucket(4, id)]");
        assertThatThrownBy(() -> translate(yaml))
                .hasStackTraceContaining("partitioned by its key columns")
                .hasStackTraceContaining("'country'");
    }

    private void translate(String yaml) {
        TableEnvironment env =
                TableEnvironment.create(
                        EnvironmentSettings.newInstance().inStreamingMode().build());
        try {
            new PipelineTranslator(parse(yaml), home).translate(env).execute().await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void compactionAndSnapshotSettingsAreCheckedAtTheirLines() {
        String yaml =
                PIPELINE.formatted("s3://lake/w")
                        .replace(
                                "partition-by: [bucket(4, id)]",
                                "partition-by: [bucket(4, id)]\n"
                                        + "    compaction-interval: 5 min\n"
                                        + "    snapshot-max-age: 2 h\n"
                                        + "    snapshot-retain-last: 20");
        assertThat(parse(yaml).sinks()).hasSize(1);
        assertThatThrownBy(() -> parse(yaml.replace("5 min", "often")))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("lake.yaml:")
                .hasMessageContaining("compaction-interval");
        assertThatThrownBy(() -> parse(yaml.replace("retain-last: 20", "retain-last: 0")))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("snapshot-retain-last")
                .hasMessageContaining("not a number of snapshots");
    }

    @Test
    void aTableWithoutItsDatabaseIsAnErrorAtItsLine() {
        String yaml =
                PIPELINE.formatted("s3://lake/w")
                        .replace("table: crm.customers", "table: customers");
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("lake.yaml:")
                .hasMessageContaining("is not database.table");
    }
}
