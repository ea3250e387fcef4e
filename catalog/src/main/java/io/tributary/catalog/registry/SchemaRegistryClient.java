package io.tributary.catalog.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A client of the Confluent Schema Registry REST API: Tributary's own registry, or Confluent's,
 * Apicurio's ccompat endpoint or Karapace at another URL.
 */
public final class SchemaRegistryClient implements Registry {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final String url;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String authorization;

    /**
     * A client of the registry at {@code url}, with the token of {@link
     * TokenAccess#registryTokenFromEnvironment()} if the environment holds one.
     */
    public SchemaRegistryClient(String url) {
        this(url, TokenAccess.registryTokenFromEnvironment());
    }

    /** A client sending {@code token} (null: none) as HTTP Basic credentials. */
    public SchemaRegistryClient(String url, String token) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.authorization =
                token == null || token.isBlank() ? null : TokenAccess.authorization(token);
    }

    /** Registers an Avro schema under {@code subject}; returns its id. */
    @Override
    public int register(String subject, String schema) {
        return call("POST", "/subjects/" + enc(subject) + "/versions", schemaBody(schema))
                .get("id")
                .asInt();
    }

    @Override
    public SchemaRegistry.Version version(String subject, String version) {
        JsonNode v = call("GET", "/subjects/" + enc(subject) + "/versions/" + enc(version), null);
        return new SchemaRegistry.Version(
                v.get("subject").asText(),
                v.get("version").asInt(),
                v.get("id").asInt(),
                v.get("schema").asText(),
                false);
    }

    @Override
    public Optional<SchemaRegistry.Version> lookup(String subject, String schema) {
        try {
            JsonNode v = call("POST", "/subjects/" + enc(subject), schemaBody(schema));
            return Optional.of(
                    new SchemaRegistry.Version(
                            v.get("subject").asText(),
                            v.get("version").asInt(),
                            v.get("id").asInt(),
                            v.get("schema").asText(),
                            false));
        } catch (RegistryException e) {
            if (e.errorCode() == 40403) { // schema not found; subject not found is rethrown
                return Optional.empty();
            }
            throw e;
        }
    }

    public String schemaById(int id) {
        return call("GET", "/schemas/ids/" + id, null).get("schema").asText();
    }

    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        call("GET", "/subjects", null).forEach(n -> out.add(n.asText()));
        return out;
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> out = new ArrayList<>();
        call("GET", "/subjects/" + enc(subject) + "/versions", null)
                .forEach(n -> out.add(n.asInt()));
        return out;
    }

    /** Problems with registering {@code schema} after the latest version; empty when compatible. */
    public List<String> testCompatibility(String subject, String schema) {
        JsonNode r =
                call(
                        "POST",
                        "/compatibility/subjects/" + enc(subject) + "/versions/latest?verbose=true",
                        schemaBody(schema));
        List<String> out = new ArrayList<>();
        if (!r.get("is_compatible").asBoolean()) {
            r.path("messages").forEach(m -> out.add(m.asText()));
            if (out.isEmpty()) {
                out.add("incompatible");
            }
        }
        return out;
    }

    /** Sets the compatibility level of {@code subject}, or the global level when null. */
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode();
        body.put("compatibility", level.name());
        call("PUT", subject == null ? "/config" : "/config/" + enc(subject), body);
    }

    public CompatibilityLevel compatibility(String subject) {
        String path =
                subject == null ? "/config" : "/config/" + enc(subject) + "?defaultToGlobal=true";
        return CompatibilityLevel.valueOf(
                call("GET", path, null).get("compatibilityLevel").asText());
    }

    private static ObjectNode schemaBody(String schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema);
        return body;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(String method, String path, JsonNode body) {
        HttpRequest.Builder req =
                HttpRequest.newBuilder(URI.create(url + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Accept", CONTENT_TYPE)
                        .header("Content-Type", CONTENT_TYPE);
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        try {
            req.method(
                    method,
                    body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            HttpResponse<byte[]> resp =
                    http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json =
                    resp.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(resp.body());
            if (resp.statusCode() >= 300) {
                throw new RegistryException(
                        resp.statusCode(),
                        json.path("error_code").asInt(resp.statusCode()),
                        json.path("message")
                                .asText(
                                        "HTTP "
                                                + resp.statusCode()
                                                + " from "
                                                + url
                                                + path
                                                + (resp.statusCode() == 401
                                                        ? ": the registry wants a token ("
                                                                + TokenAccess.REGISTRY_TOKEN_ENV
                                                                + (authorization == null
                                                                        ? ", none given)"
                                                                        : ", not the one given)")
                                                        : "")));
            }
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Schema registry at " + url + " did not answer " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
