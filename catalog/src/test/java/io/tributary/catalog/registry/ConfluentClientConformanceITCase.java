package io.tributary.catalog.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.RestService;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.entities.SubjectVersion;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Confluent's own registry client (7.5.3, as relocated inside Flink's {@code
 * flink-sql-avro-confluent-registry}), not ours, drives the registry through what users do with it:
 * register, read versions and ids, check compatibility, delete versions and subjects softly and
 * permanently, config and mode; and gets Confluent's error codes where it goes wrong.
 */
class ConfluentClientConformanceITCase {

    private static final Map<String, String> NO_HEADERS = Map.of();
    private static final String V1 =
            "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
    private static final String V2 =
            "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
                    + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    private static final String V3 =
            "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
                    + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null},"
                    + "{\"name\":\"qty\",\"type\":\"int\",\"default\":1}]}";

    /** id turned into a string: BACKWARD-incompatible with every version above. */
    private static final String BROKEN =
            "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";

    @TempDir Path dir;
    private RegistryHttpServer server;
    private RestService confluent;

    @BeforeEach
    void start() {
        server = RegistryHttpServer.start(dir, 0);
        confluent = new RestService(server.url());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void registersReadsAndChecksCompatibilityAsConfluentDoes() throws Exception {
        int id1 = confluent.registerSchema(V1, "orders-value");
        int id2 = confluent.registerSchema(V2, "orders-value");
        assertThat(confluent.registerSchema(V1, "orders-value")).isEqualTo(id1);
        assertThat(confluent.registerSchema(V1, "copy-value")).isEqualTo(id1);
        assertThat(confluent.getAllVersions("orders-value")).containsExactly(1, 2);
        assertThat(confluent.getAllSubjects()).containsExactly("copy-value", "orders-value");
        assertThat(confluent.getAllSubjects("orders", false)).containsExactly("orders-value");
        assertThat(confluent.getId(id2).getSchemaString()).contains("note");
        assertThat(confluent.getVersion("orders-value", 2).getId()).isEqualTo(id2);
        assertThat(confluent.lookUpSubjectVersion(V2, "orders-value").getVersion()).isEqualTo(2);

        // GET /schemas/ids/{id}/versions and /subjects: every subject holding the schema
        assertThat(confluent.getAllVersionsById(id1))
                .extracting(SubjectVersion::getSubject, SubjectVersion::getVersion)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("orders-value", 1),
                        org.assertj.core.groups.Tuple.tuple("copy-value", 1));
        assertThat(confluent.getAllSubjectsById(id1))
                .containsExactlyInAnyOrder("orders-value", "copy-value");
        assertThat(confluent.getReferencedBy("orders-value", 1)).isEmpty();

        // compatibility: against latest, a numbered version, and against all (no version)
        assertThat(confluent.testCompatibility(V3, "orders-value", "latest")).isEmpty();
        assertThat(confluent.testCompatibility(BROKEN, "orders-value", "1")).isNotEmpty();
        assertThat(confluent.testCompatibility(BROKEN, "orders-value", (String) null)).isNotEmpty();
        assertThat(confluent.testCompatibility(V3, "orders-value", (String) null)).isEmpty();
        assertThat(confluent.testCompatibility(V1, "nobody-value", "latest")).isEmpty();
        expectError(() -> confluent.testCompatibility(V1, "nobody-value", "1"), 404, 40401);
        expectError(() -> confluent.registerSchema(BROKEN, "orders-value"), 409, 409);

        // versions/0 is not a version id (42202); versions/9 does not exist (40402)
        expectError(() -> confluent.getVersion("orders-value", 0), 422, 42202);
        expectError(() -> confluent.getVersion("orders-value", 9), 404, 40402);
        expectError(() -> confluent.getAllVersions("nobody-value"), 404, 40401);
        expectError(() -> confluent.getId(999), 404, 40403);
    }

    @Test
    void deletesVersionsAndSubjectsSoftlyThenPermanently() throws Exception {
        confluent.registerSchema(V1, "orders-value");
        int id2 = confluent.registerSchema(V2, "orders-value");
        confluent.registerSchema(V3, "orders-value");

        // a version: soft, then a second soft is 40406, then permanent
        expectError(
                () -> confluent.deleteSchemaVersion(NO_HEADERS, "orders-value", "2", true),
                404,
                40407);
        assertThat(confluent.deleteSchemaVersion(NO_HEADERS, "orders-value", "2")).isEqualTo(2);
        assertThat(confluent.getAllVersions("orders-value")).containsExactly(1, 3);
        assertThat(confluent.getAllVersions(NO_HEADERS, "orders-value", true))
                .containsExactly(1, 2, 3);
        assertThat(confluent.getVersion("orders-value", 2, true).getId()).isEqualTo(id2);
        expectError(() -> confluent.getVersion("orders-value", 2), 404, 40402);
        expectError(
                () -> confluent.deleteSchemaVersion(NO_HEADERS, "orders-value", "2"), 404, 40406);
        assertThat(confluent.getId(id2).getSchemaString()).contains("note"); // still by id
        assertThat(confluent.deleteSchemaVersion(NO_HEADERS, "orders-value", "2", true))
                .isEqualTo(2);
        assertThat(confluent.getAllVersions(NO_HEADERS, "orders-value", true))
                .containsExactly(1, 3);
        expectError(() -> confluent.getId(id2), 404, 40403);

        // a subject: permanent first is 40405; soft; soft again is 40404; then permanent
        expectError(() -> confluent.deleteSubject(NO_HEADERS, "orders-value", true), 404, 40405);
        assertThat(confluent.deleteSubject(NO_HEADERS, "orders-value")).containsExactly(1, 3);
        assertThat(confluent.getAllSubjects()).isEmpty();
        assertThat(confluent.getAllSubjects(true)).containsExactly("orders-value");
        expectError(() -> confluent.deleteSubject(NO_HEADERS, "orders-value"), 404, 40404);
        assertThat(confluent.deleteSubject(NO_HEADERS, "orders-value", true)).containsExactly(1, 3);
        assertThat(confluent.getAllSubjects(true)).isEmpty();
        expectError(() -> confluent.deleteSubject(NO_HEADERS, "orders-value", true), 404, 40401);

        // a fresh start under the same name, and the log replays to the same state
        assertThat(confluent.registerSchema(BROKEN, "orders-value")).isPositive();
        server.close();
        server = RegistryHttpServer.start(dir, 0);
        confluent = new RestService(server.url());
        assertThat(confluent.getAllVersions("orders-value")).containsExactly(1);
        assertThat(confluent.getAllSubjects(true)).containsExactly("orders-value");
    }

    @Test
    void configAndModeAsConfluentHasThem() throws Exception {
        confluent.registerSchema(V1, "orders-value");
        confluent.updateCompatibility("NONE", "orders-value");
        assertThat(confluent.getConfig("orders-value").getCompatibilityLevel()).isEqualTo("NONE");
        assertThat(confluent.deleteConfig("orders-value").getCompatibilityLevel())
                .isEqualTo("NONE");
        expectError(() -> confluent.getConfig("orders-value"), 404, 40408);
        assertThat(confluent.getConfig(null).getCompatibilityLevel()).isEqualTo("BACKWARD");

        assertThat(confluent.getMode().getMode()).isEqualTo("READWRITE");
        confluent.setMode("READONLY", "orders-value");
        assertThat(confluent.getMode("orders-value").getMode()).isEqualTo("READONLY");
        expectError(() -> confluent.registerSchema(V2, "orders-value"), 422, 42205);
        expectError(() -> confluent.deleteSubject(NO_HEADERS, "orders-value"), 422, 42205);
        assertThat(confluent.registerSchema(V2, "other-value")).isPositive();
        assertThat(confluent.deleteSubjectMode("orders-value").getMode()).isEqualTo("READONLY");
        assertThat(confluent.registerSchema(V2, "orders-value")).isPositive();
        confluent.setMode("READONLY");
        expectError(() -> confluent.registerSchema(V3, "orders-value"), 422, 42205);
        confluent.setMode("READWRITE");
        expectError(() -> confluent.setMode("SIDEWAYS"), 422, 42204);
    }

    @Test
    void aMalformedBodyIsTheClientsError() throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        server.url()
                                                                + "/subjects/orders-value/versions"))
                                        .header(
                                                "Content-Type",
                                                "application/vnd.schemaregistry.v1+json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"schema\": "))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"error_code\":400").contains("Malformed JSON");
        assertThat(server.registry().subjects(true)).isEmpty();
    }

    private static void expectError(Executable call, int status, int code) {
        RestClientException e = catchThrowableOfType(RestClientException.class, call::execute);
        assertThat(e).as("the call should fail with %s/%s", status, code).isNotNull();
        assertThat(e.getStatus()).as(e.getMessage()).isEqualTo(status);
        assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(code);
    }
}
