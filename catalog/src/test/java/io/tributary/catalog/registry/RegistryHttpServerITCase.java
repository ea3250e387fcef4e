package io.tributary.catalog.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry over HTTP through the REST client, restarts included. */
class RegistryHttpServerITCase {

    @TempDir Path dir;

    static final String V1 = AvroCompatibilityTest.V1.toString();
    static final String V2 = AvroCompatibilityTest.V2_OPTIONAL_EMAIL.toString();
    static final String V3_BAD = AvroCompatibilityTest.V2_REQUIRED_EMAIL.toString();

    @Test
    void withATokenEveryCallerMustGiveItAndBeyondLoopbackOneIsRequired() throws Exception {
        assertThatThrownBy(() -> RegistryHttpServer.start(dir, "0.0.0.0", 0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beyond this machine")
                .hasMessageContaining(TokenAccess.REGISTRY_TOKEN_ENV);
        assertThatThrownBy(() -> RegistryHttpServer.start(dir, "0.0.0.0", 0, " "))
                .isInstanceOf(IllegalArgumentException.class);
        String token = "t0k-" + System.nanoTime();
        try (RegistryHttpServer server = RegistryHttpServer.start(dir, "127.0.0.1", 0, token)) {
            assertThat(new SchemaRegistryClient(server.url(), token).register("s-value", V1))
                    .isPositive();
            assertThatThrownBy(() -> new SchemaRegistryClient(server.url(), null).subjects())
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("401")
                    .hasMessageContaining("wants a token");
            assertThatThrownBy(() -> new SchemaRegistryClient(server.url(), "wrong").subjects())
                    .hasMessageContaining("not the one given");
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.URI subjects = java.net.URI.create(server.url() + "/subjects");
            assertThat(
                            http.send(
                                            java.net.http.HttpRequest.newBuilder(subjects).build(),
                                            java.net.http.HttpResponse.BodyHandlers.ofString())
                                    .statusCode())
                    .isEqualTo(401);
            // any user name, the token as the password (Confluent's basic.auth.user.info)
            String basic =
                    "Basic "
                            + java.util.Base64.getEncoder()
                                    .encodeToString(("anyone:" + token).getBytes());
            java.net.http.HttpResponse<String> ok =
                    http.send(
                            java.net.http.HttpRequest.newBuilder(subjects)
                                    .header("Authorization", basic)
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("[\"s-value\"]");
        }
    }

    @Test
    void versionsIdsAndCompatibilityLikeConfluentsRegistry() {
        try (RegistryHttpServer server = RegistryHttpServer.start(dir, 0)) {
            SchemaRegistryClient client = new SchemaRegistryClient(server.url());
            int id1 = client.register("retail.sales-value", V1);
            int id2 = client.register("retail.sales-value", V2);
            assertThat(id2).isNotEqualTo(id1);
            assertThat(client.register("retail.sales-value", V2))
                    .as("same schema, same id")
                    .isEqualTo(id2);
            assertThat(client.register("other-value", V1))
                    .as("ids are global per schema")
                    .isEqualTo(id1);

            assertThat(client.versions("retail.sales-value")).containsExactly(1, 2);
            assertThat(client.version("retail.sales-value", "latest").id()).isEqualTo(id2);
            assertThat(client.schemaById(id1)).isEqualTo(V1);
            assertThat(client.compatibility(null)).isEqualTo(CompatibilityLevel.BACKWARD);

            assertThat(client.testCompatibility("retail.sales-value", V3_BAD))
                    .anyMatch(m -> m.contains("field email"));
            assertThatThrownBy(() -> client.register("retail.sales-value", V3_BAD))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("incompatible")
                    .hasMessageContaining("field email")
                    .extracting(e -> ((RegistryException) e).status())
                    .isEqualTo(409);
            assertThat(client.versions("retail.sales-value"))
                    .as("the refused version left nothing")
                    .containsExactly(1, 2);

            client.setCompatibility("retail.sales-value", CompatibilityLevel.NONE);
            assertThat(client.register("retail.sales-value", V3_BAD)).isPositive();
            assertThat(client.compatibility("retail.sales-value"))
                    .isEqualTo(CompatibilityLevel.NONE);
        }
    }

    @Test
    void aRestartKeepsEverySubjectVersionIdAndLevel() {
        int id;
        try (RegistryHttpServer server = RegistryHttpServer.start(dir, 0)) {
            SchemaRegistryClient client = new SchemaRegistryClient(server.url());
            client.register("a-value", V1);
            id = client.register("a-value", V2);
            client.setCompatibility("a-value", CompatibilityLevel.FULL_TRANSITIVE);
        }
        try (RegistryHttpServer server = RegistryHttpServer.start(dir, 0)) {
            SchemaRegistryClient client = new SchemaRegistryClient(server.url());
            assertThat(client.subjects()).containsExactly("a-value");
            assertThat(client.versions("a-value")).containsExactly(1, 2);
            assertThat(client.schemaById(id)).isEqualTo(V2);
            assertThat(client.compatibility("a-value"))
                    .isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
            assertThat(client.register("b-value", V3_BAD))
                    .as("a new schema gets a new id after the restart")
                    .isGreaterThan(id);
            assertThat(client.register("b-value", V1))
                    .as("a known schema keeps its global id")
                    .isEqualTo(client.version("a-value", "1").id());
        }
    }

    @Test
    void errorsCarryConfluentCodes() {
        try (RegistryHttpServer server = RegistryHttpServer.start(dir, 0)) {
            SchemaRegistryClient client = new SchemaRegistryClient(server.url());
            assertThatThrownBy(() -> client.versions("missing"))
                    .extracting(e -> ((RegistryException) e).errorCode())
                    .isEqualTo(40401);
            assertThatThrownBy(() -> client.schemaById(999))
                    .extracting(e -> ((RegistryException) e).errorCode())
                    .isEqualTo(40403);
            assertThatThrownBy(() -> client.register("x", "{not avro"))
                    .extracting(e -> ((RegistryException) e).errorCode())
                    .isEqualTo(42201);
        }
    }
}
