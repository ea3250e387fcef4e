package io.tributary.catalog.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.embedded.SharedServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST endpoint used by Iceberg's own REST client ({@code RESTCatalog}, what Spark, Flink and
 * Trino's Iceberg connectors build on): it learns the storage settings from the server, writes
 * data, and sees the same tables {@code tributary catalog} shows; bad requests get the spec's
 * errors.
 */
class IcebergRestServerITCase {

    @TempDir Path home;

    CatalogStore store;
    TributaryIcebergCatalog catalog;
    IcebergRestServer server;
    String bucket;

    @BeforeEach
    void start() {
        bucket = "rest-" + UUID.randomUUID().toString().substring(0, 8);
        SharedServices.s3().createBucket(bucket);
        store = CatalogStores.embedded(home);
        catalog = new TributaryIcebergCatalog(store);
        Map<String, String> props =
                TributaryIcebergCatalogITCase.s3Properties("s3://" + bucket + "/warehouse");
        catalog.initialize("tributary", props);
        Map<String, String> forClients = new HashMap<>(props);
        forClients.remove("warehouse");
        server = IcebergRestServer.start(catalog, "127.0.0.1", 0, null, forClients);
    }

    @AfterEach
    void stop() {
        server.close();
        catalog.close();
        store.close();
    }

    RESTCatalog client(Map<String, String> extra) {
        RESTCatalog c = new RESTCatalog();
        Map<String, String> props = new HashMap<>(Map.of("uri", server.url()));
        props.putAll(extra);
        c.initialize("lake", props);
        return c;
    }

    @Test
    void icebergsRestClientCreatesWritesAndReadsTablesTheCatalogShows() throws Exception {
        try (RESTCatalog rest = client(Map.of())) {
            rest.createNamespace(
                    Namespace.of("retail"), new HashMap<>(Map.of("owner", "data-team")));
            assertThat(rest.listNamespaces()).containsExactly(Namespace.of("retail"));
            assertThat(store.database("retail")).isPresent();
            // the namespace's properties are the database's, set and removed through REST
            rest.setProperties(
                    Namespace.of("retail"),
                    new HashMap<>(Map.of("owner", "sales-team", "comment", "orders and returns")));
            rest.removeProperties(Namespace.of("retail"), new java.util.HashSet<>(List.of("x")));
            assertThat(store.database("retail").orElseThrow().properties())
                    .containsEntry("owner", "sales-team");
            assertThat(store.database("retail").orElseThrow().description())
                    .isEqualTo("orders and returns");
            rest.removeProperties(
                    Namespace.of("retail"), new java.util.HashSet<>(List.of("owner")));
            assertThat(rest.loadNamespaceMetadata(Namespace.of("retail")))
                    .doesNotContainKey("owner")
                    .containsEntry("comment", "orders and returns");

            TableIdentifier id = TableIdentifier.of("retail", "orders");
            Table t =
                    rest.createTable(
                            id,
                            TributaryIcebergCatalogITCase.SCHEMA,
                            PartitionSpec.builderFor(TributaryIcebergCatalogITCase.SCHEMA)
                                    .day("day")
                                    .build());
            // the client writes the data files itself, with the S3 settings the server gave it
            t.newAppend()
                    .appendFile(
                            TributaryIcebergCatalogITCase.write(
                                    t,
                                    List.of(
                                            TributaryIcebergCatalogITCase.order(1, "ann"),
                                            TributaryIcebergCatalogITCase.order(2, "bob"))))
                    .commit();
            t.updateSchema()
                    .addColumn("channel", org.apache.iceberg.types.Types.StringType.get())
                    .commit();

            assertThat(store.table("retail", "orders").orElseThrow().format())
                    .isEqualTo(TableFormat.ICEBERG);
            assertThat(store.table("retail", "orders").orElseThrow().columns())
                    .extracting(c -> c.name())
                    .contains("channel");
            Table local = catalog.loadTable(id);
            assertThat(TributaryIcebergCatalogITCase.ids(local)).containsExactly(1L, 2L);
            assertThat(rest.listTables(Namespace.of("retail"))).containsExactly(id);

            // a second client's stale commit is refused by the server and retried by the client
            Table a = rest.loadTable(id);
            Table b = client(Map.of()).loadTable(id);
            a.updateProperties().set("a", "1").commit();
            b.updateProperties().set("b", "2").commit();
            assertThat(catalog.loadTable(id).properties())
                    .containsEntry("a", "1")
                    .containsEntry("b", "2");

            rest.renameTable(id, TableIdentifier.of("retail", "orders_v2"));
            assertThat(rest.tableExists(id)).isFalse();
            assertThatThrownBy(() -> rest.loadTable(id)).isInstanceOf(NoSuchTableException.class);
            assertThatThrownBy(() -> rest.createNamespace(Namespace.of("retail")))
                    .isInstanceOf(AlreadyExistsException.class);
            assertThat(rest.dropTable(TableIdentifier.of("retail", "orders_v2"))).isTrue();
            assertThat(store.table("retail", "orders_v2")).isEmpty();
        }
    }

    @Test
    void aStaleRequirementIsAConflict() throws Exception {
        try (RESTCatalog rest = client(Map.of())) {
            rest.createNamespace(Namespace.of("retail"));
            TableIdentifier id = TableIdentifier.of("retail", "orders");
            rest.createTable(id, TributaryIcebergCatalogITCase.SCHEMA);
            // a create of a table that exists: the AssertTableDoesNotExist requirement fails
            assertThatThrownBy(
                            () ->
                                    rest.buildTable(id, TributaryIcebergCatalogITCase.SCHEMA)
                                            .createTransaction()
                                            .commitTransaction())
                    .isInstanceOfAny(AlreadyExistsException.class, CommitFailedException.class);
        }
    }

    @Test
    void namesWithQuotesSlashesAndSpacesRoundTrip() throws Exception {
        try (RESTCatalog rest = client(Map.of())) {
            Namespace ns = Namespace.of("sales & \"returns\"");
            rest.createNamespace(ns);
            TableIdentifier id = TableIdentifier.of(ns, "o'rders/2026 q4%");
            rest.createTable(id, TributaryIcebergCatalogITCase.SCHEMA);
            assertThat(rest.listTables(ns)).containsExactly(id);
            assertThat(store.table("sales & \"returns\"", "o'rders/2026 q4%")).isPresent();
            assertThat(rest.loadTable(id).location()).doesNotContain("'", "\"", " ", "%");
        }
    }

    @Test
    void malformedAndUnknownRequestsGetTheSpecsErrors() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> bad =
                http.send(
                        HttpRequest.newBuilder(URI.create(server.url() + "/v1/namespaces"))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"namespace\": 42"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"error\"").contains("\"code\":400");

        HttpResponse<String> missing =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(server.url() + "/v1/namespaces/nope/tables/t"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("NoSuch");

        HttpResponse<String> noRoute =
                http.send(
                        HttpRequest.newBuilder(URI.create(server.url() + "/v2/whatever")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(noRoute.statusCode()).isEqualTo(404);

        HttpResponse<String> commitWithoutBody =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(server.url() + "/v1/namespaces/x/tables/t"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(commitWithoutBody.statusCode()).isEqualTo(400);
        assertThat(commitWithoutBody.body()).contains("no body");
    }

    @Test
    void aTokenIsRequiredWhenGivenAndBeyondLoopback() throws Exception {
        assertThatThrownBy(() -> IcebergRestServer.start(catalog, "0.0.0.0", 0, null, Map.of()))
                .hasMessageContaining("no token");
        try (IcebergRestServer guarded =
                IcebergRestServer.start(catalog, "127.0.0.1", 0, "s3cret", Map.of())) {
            RESTCatalog anonymous = new RESTCatalog();
            assertThatThrownBy(() -> anonymous.initialize("x", Map.of("uri", guarded.url())))
                    .isInstanceOf(NotAuthorizedException.class);
            RESTCatalog withToken = new RESTCatalog();
            withToken.initialize("x", Map.of("uri", guarded.url(), "token", "s3cret"));
            withToken.createNamespace(Namespace.of("guarded"));
            assertThat(withToken.listNamespaces()).contains(Namespace.of("guarded"));
            withToken.close();
        }
    }
}
