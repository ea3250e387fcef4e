package io.tributary.catalog.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/**
 * Tributary's catalog driven through Iceberg's own catalog API, with its data on the embedded S3
 * server: what Iceberg's writers and readers see is what {@code tributary catalog} shows, and two
 * writers never lose a commit.
 */
class TributaryIcebergCatalogITCase {

    static final Schema SCHEMA =
            new Schema(
                    Types.NestedField.required(1, "order_id", Types.LongType.get()),
                    Types.NestedField.optional(2, "customer", Types.StringType.get()),
                    Types.NestedField.optional(3, "amount", Types.DecimalType.of(10, 2)),
                    Types.NestedField.optional(4, "day", Types.DateType.get()));

    @TempDir Path home;

    String bucket;
    CatalogStore store;
    TributaryIcebergCatalog catalog;

    static Map<String, String> s3Properties(String warehouse) {
        S3Service s3 = SharedServices.s3();
        return Map.of(
                "warehouse",
                warehouse,
                "io-impl",
                "org.apache.iceberg.aws.s3.S3FileIO",
                "s3.endpoint",
                s3.endpoint(),
                "s3.path-style-access",
                "true",
                "s3.access-key-id",
                S3Service.ACCESS_KEY,
                "s3.secret-access-key",
                S3Service.SECRET_KEY,
                "client.region",
                S3Service.REGION,
                S3CompatibleClientFactory.PROPERTY,
                S3CompatibleClientFactory.class.getName());
    }

    @BeforeEach
    void open() {
        bucket = "lake-" + UUID.randomUUID().toString().substring(0, 8);
        SharedServices.s3().createBucket(bucket);
        store = CatalogStores.embedded(home);
        catalog = open(store);
    }

    TributaryIcebergCatalog open(CatalogStore on) {
        TributaryIcebergCatalog c = new TributaryIcebergCatalog(on);
        c.initialize("tributary", s3Properties("s3://" + bucket + "/warehouse"));
        return c;
    }

    @AfterEach
    void close() {
        catalog.close();
        store.close();
    }

    static DataFile write(Table table, List<Record> rows) throws IOException {
        org.apache.iceberg.PartitionKey key = null;
        if (table.spec().isPartitioned()) {
            key = new org.apache.iceberg.PartitionKey(table.spec(), table.schema());
            key.partition(
                    new org.apache.iceberg.data.InternalRecordWrapper(table.schema().asStruct())
                            .wrap(rows.get(0))); // the rows of one file share a partition
        }
        OutputFile out =
                table.io()
                        .newOutputFile(
                                table.locationProvider()
                                        .newDataLocation(UUID.randomUUID() + ".parquet"));
        DataWriter<Record> w =
                new GenericAppenderFactory(table.schema(), table.spec())
                        .newDataWriter(
                                org.apache.iceberg.encryption.EncryptedFiles.plainAsEncryptedOutput(
                                        out),
                                FileFormat.PARQUET,
                                key);
        try (w) {
            rows.forEach(w::write);
        }
        return w.toDataFile();
    }

    static Record order(long id, String customer) {
        GenericRecord r = GenericRecord.create(SCHEMA);
        r.setField("order_id", id);
        r.setField("customer", customer);
        r.setField("day", java.time.LocalDate.of(2026, 12, 4));
        return r;
    }

    static List<Long> ids(Table table) throws IOException {
        List<Long> out = new ArrayList<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
            rows.forEach(r -> out.add((Long) r.getField("order_id")));
        }
        out.sort(null);
        return out;
    }

    /**
     * Iceberg deletes in bulk (expired snapshots' files, old metadata, a purge): S3's
     * DeleteObjects, which needs a checksum. The embedded S3 server takes Content-MD5, not the
     * SDK's CRC32 header: before the client sent MD5, every bulk delete was refused and the files
     * stayed.
     */
    @Test
    void bulkDeletesReachTheEmbeddedS3Server() throws IOException {
        catalog.createNamespace(Namespace.of("retail"));
        Table table = catalog.createTable(TableIdentifier.of("retail", "deletes"), SCHEMA);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            paths.add(write(table, List.of(order(i, "x"))).location());
        }
        org.apache.iceberg.io.FileIO io = table.io();
        paths.forEach(p -> assertThat(io.newInputFile(p).exists()).isTrue());
        ((org.apache.iceberg.io.SupportsBulkOperations) io).deleteFiles(paths);
        paths.forEach(p -> assertThat(io.newInputFile(p).exists()).as(p).isFalse());
    }

    @Test
    void aTableWrittenThroughIcebergIsACatalogTableWithItsSnapshots() throws IOException {
        catalog.createNamespace(Namespace.of("retail"), Map.of("comment", "shop data"));
        TableIdentifier id = TableIdentifier.of("retail", "orders");
        Table table =
                catalog.createTable(
                        id, SCHEMA, PartitionSpec.builderFor(SCHEMA).day("day").build());
        table.newAppend()
                .appendFile(write(table, List.of(order(1, "ann"), order(2, "bob"))))
                .commit();
        table.newAppend().appendFile(write(table, List.of(order(3, "cy")))).commit();

        CatalogTable row = store.table("retail", "orders").orElseThrow();
        assertThat(row.format()).isEqualTo(TableFormat.ICEBERG);
        assertThat(row.location()).isEqualTo("s3://" + bucket + "/warehouse/retail/orders");
        assertThat(row.columns())
                .extracting(c -> c.name() + " " + c.type().sql())
                .containsExactly(
                        "order_id bigint", "customer string", "amount decimal(10,2)", "day date");
        assertThat(row.properties())
                .containsEntry("table_type", "iceberg")
                .containsEntry(StoreTableOperations.SNAPSHOTS, "2")
                .containsEntry(StoreTableOperations.TOTAL_RECORDS, "3")
                .containsEntry(StoreTableOperations.FORMAT_VERSION, "2");
        assertThat(row.properties().get("metadata_location"))
                .startsWith(row.location() + "/metadata/");
        assertThat(row.properties().get(StoreTableOperations.PARTITION_SPEC)).contains("day");

        // a second process sees the same table, its data, and its history
        try (CatalogStore other = CatalogStores.embedded(home);
                TributaryIcebergCatalog second = open(other)) {
            Table again = second.loadTable(id);
            assertThat(ids(again)).containsExactly(1L, 2L, 3L);
            assertThat(again.snapshots()).hasSize(2);
            assertThat(second.listTables(Namespace.of("retail"))).containsExactly(id);
            assertThat(second.loadNamespaceMetadata(Namespace.of("retail")))
                    .containsEntry("comment", "shop data");
        }
    }

    @Test
    void twoWritersAppendingAtOnceBothLand() throws Exception {
        catalog.createNamespace(Namespace.of("retail"));
        TableIdentifier id = TableIdentifier.of("retail", "orders");
        catalog.createTable(id, SCHEMA);
        try (CatalogStore other = CatalogStores.embedded(home);
                TributaryIcebergCatalog second = open(other)) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (TributaryIcebergCatalog c : List.of(catalog, second)) {
                    long base = c == catalog ? 0 : 1000;
                    writers.add(
                            pool.submit(
                                    () -> {
                                        for (int i = 0; i < 10; i++) {
                                            Table t = c.loadTable(id);
                                            t.newAppend()
                                                    .appendFile(
                                                            write(t, List.of(order(base + i, "w"))))
                                                    .commit();
                                        }
                                        return null;
                                    }));
                }
                for (Future<?> w : writers) {
                    w.get();
                }
            } finally {
                pool.shutdown();
            }
        }
        Table t = catalog.loadTable(id);
        assertThat(ids(t)).hasSize(20).doesNotHaveDuplicates();
        assertThat(t.snapshots()).hasSize(20);
    }

    @Test
    void aCommitFromStaleMetadataFailsAndLeavesNoMetadataBehind() throws IOException {
        catalog.createNamespace(Namespace.of("retail"));
        TableIdentifier id = TableIdentifier.of("retail", "orders");
        catalog.createTable(id, SCHEMA);
        TableOperations first = catalog.newTableOps(id);
        TableOperations second = catalog.newTableOps(id);
        TableMetadata base = first.current();
        TableMetadata stale = second.current();
        assertThat(stale.metadataFileLocation()).isEqualTo(base.metadataFileLocation());

        first.commit(base, TableMetadata.buildFrom(base).setProperties(Map.of("a", "1")).build());
        int metadataFiles = metadataFiles();
        assertThatThrownBy(
                        () ->
                                second.commit(
                                        stale,
                                        TableMetadata.buildFrom(stale)
                                                .setProperties(Map.of("b", "2"))
                                                .build()))
                .isInstanceOf(CommitFailedException.class)
                .hasMessageContaining("another writer committed first");
        assertThat(metadataFiles())
                .as("the loser's metadata file is removed")
                .isEqualTo(metadataFiles);
        assertThat(catalog.loadTable(id).properties())
                .containsEntry("a", "1")
                .doesNotContainKey("b");
    }

    int metadataFiles() {
        return (int)
                SharedServices.s3()
                        .client()
                        .listObjectsV2Paginator(
                                ListObjectsV2Request.builder()
                                        .bucket(bucket)
                                        .prefix("warehouse/retail/orders/metadata/")
                                        .build())
                        .contents()
                        .stream()
                        .filter(o -> o.key().endsWith(".metadata.json"))
                        .count();
    }

    @Test
    void namesWithQuotesAndSlashesGetTheirOwnSafeFolder() {
        String hostile = "o'rders/\"2026\"";
        catalog.createNamespace(Namespace.of("re tail"));
        Table t = catalog.createTable(TableIdentifier.of("re tail", hostile), SCHEMA);
        Table other = catalog.createTable(TableIdentifier.of("re tail", "o_rders__2026_"), SCHEMA);
        assertThat(t.location())
                .doesNotContain("'", "\"", " ")
                .matches(".*/re_tail-[0-9a-f]{8}/o_rders__2026_-[0-9a-f]{8}");
        assertThat(other.location()).isNotEqualTo(t.location());
        assertThat(store.table("re tail", hostile)).isPresent();
    }

    @Test
    void createsRenamesAndDropsAsIcebergDefines() {
        catalog.createNamespace(Namespace.of("retail"));
        TableIdentifier id = TableIdentifier.of("retail", "orders");
        catalog.createTable(id, SCHEMA);
        assertThatThrownBy(() -> catalog.createTable(id, SCHEMA))
                .isInstanceOf(AlreadyExistsException.class);
        assertThatThrownBy(() -> catalog.createNamespace(Namespace.of("retail")))
                .isInstanceOf(AlreadyExistsException.class);
        assertThatThrownBy(() -> catalog.dropNamespace(Namespace.of("retail")))
                .isInstanceOf(NamespaceNotEmptyException.class);

        TableIdentifier renamed = TableIdentifier.of("retail", "orders_v2");
        catalog.renameTable(id, renamed);
        assertThat(catalog.tableExists(id)).isFalse();
        assertThat(catalog.loadTable(renamed).schema().asStruct()).isEqualTo(SCHEMA.asStruct());
        assertThat(store.table("retail", "orders_v2")).isPresent();

        assertThat(catalog.dropTable(renamed, true)).isTrue();
        assertThat(catalog.dropTable(renamed, true)).isFalse();
        assertThat(catalog.dropNamespace(Namespace.of("retail"))).isTrue();
        assertThat(catalog.listNamespaces()).isEmpty();
    }
}
