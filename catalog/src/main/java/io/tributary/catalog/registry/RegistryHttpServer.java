package io.tributary.catalog.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry over the Confluent Schema Registry REST API, so the Confluent client, Flink's {@code
 * avro-confluent} format and anything else that speaks it can use Tributary's registry; and
 * Tributary can use a Confluent, Apicurio (ccompat) or Karapace server the same way. Binds
 * 127.0.0.1 unless told otherwise.
 */
public final class RegistryHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final SchemaRegistry registry;
    private final HttpServer server;

    private RegistryHttpServer(SchemaRegistry registry, HttpServer server) {
        this.registry = registry;
        this.server = server;
    }

    /** Serves the registry kept in {@code dir} on 127.0.0.1:{@code port} (0: a free port). */
    public static RegistryHttpServer start(Path dir, int port) {
        return start(dir, "127.0.0.1", port, null);
    }

    /**
     * Serves the registry kept in {@code dir} on {@code host}:{@code port}. With a {@code token},
     * every request must give it ({@link TokenAccess}: HTTP Basic, any user name); bound beyond
     * loopback, a token is required.
     */
    public static RegistryHttpServer start(Path dir, String host, int port, String token) {
        TokenAccess.requireTokenBeyondLoopback("The schema registry", host, token);
        SchemaRegistry registry = SchemaRegistry.open(dir);
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
            RegistryHttpServer s = new RegistryHttpServer(registry, http);
            var context = http.createContext("/", s::handle);
            if (token != null && !token.isBlank()) {
                context.setAuthenticator(TokenAccess.authenticator("schema-registry", token));
            }
            http.setExecutor(
                    Executors.newFixedThreadPool(
                            4,
                            r -> {
                                Thread t = new Thread(r, "schema-registry-http");
                                t.setDaemon(true);
                                return t;
                            }));
            http.start();
            LOG.info("Schema registry on {} (data in {})", s.url(), dir);
            return s;
        } catch (IOException e) {
            registry.close();
            throw new UncheckedIOException(
                    "Could not start the schema registry on port " + port, e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * {@code java -cp <job jar>:<flink lib>/* io.tributary.catalog.registry.RegistryHttpServer
     * <dir> [host] [port]}: the registry as a server of its own (docker/compose.yaml); default
     * 127.0.0.1:8085. The token comes from {@code TRIBUTARY_REGISTRY_TOKEN} or the file {@code
     * TRIBUTARY_REGISTRY_TOKEN_FILE} names, never from the command line; any other host than
     * loopback needs one.
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: RegistryHttpServer <dir> [host] [port]");
            System.exit(2);
        }
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 8085;
        String token = TokenAccess.registryTokenFromEnvironment();
        RegistryHttpServer server;
        try {
            server = start(Path.of(args[0]), host, port, token);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println(
                "Schema registry on http://"
                        + host
                        + ":"
                        + port
                        + (token == null ? " (no token: loopback only)" : " (token required)"));
        Thread.currentThread().join();
    }

    public SchemaRegistry registry() {
        return registry;
    }

    private void handle(HttpExchange ex) throws IOException {
        // not try-with-resources: its close would run before the catch blocks answer the error
        try {
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            List<String> p = segments(ex.getRequestURI().getRawPath());
            respond(ex, 200, route(method, p, ex));
        } catch (RegistryException e) {
            ObjectNode err = JSON.createObjectNode();
            err.put("error_code", e.errorCode());
            err.put("message", e.getMessage());
            respond(ex, e.status(), err);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Registry request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
            ObjectNode err = JSON.createObjectNode();
            err.put("error_code", 50001);
            err.put("message", "Error in the registry: " + e.getMessage());
            respond(ex, 500, err);
        } finally {
            ex.close();
        }
    }

    private Object route(String method, List<String> p, HttpExchange ex) throws IOException {
        int n = p.size();
        if (n == 0 && method.equals("GET")) {
            return JSON.createObjectNode();
        }
        boolean deleted = flag(ex, "deleted");
        boolean permanent = flag(ex, "permanent");
        String head = p.get(0);
        if (head.equals("subjects")) {
            if (n == 1 && method.equals("GET")) {
                String prefix = param(ex, "subjectPrefix");
                return registry.subjects(deleted).stream()
                        .filter(s -> prefix == null || s.startsWith(prefix))
                        .toList();
            }
            String subject = p.get(1);
            if (n == 2 && method.equals("POST")) {
                String schema = schemaOf(ex);
                registry.versions(subject, deleted); // 40401 for an unknown subject
                SchemaRegistry.Version v =
                        registry.lookup(subject, schema)
                                .orElseThrow(
                                        () ->
                                                RegistryException.schemaNotFound(
                                                        "under subject '" + subject + "'"));
                return versionJson(v);
            }
            if (n == 2 && method.equals("DELETE")) {
                return registry.deleteSubject(subject, permanent);
            }
            if (n == 3 && p.get(2).equals("versions")) {
                if (method.equals("GET")) {
                    return registry.versions(subject, deleted);
                }
                if (method.equals("POST")) {
                    ObjectNode r = JSON.createObjectNode();
                    r.put("id", registry.register(subject, schemaOf(ex)));
                    return r;
                }
            }
            if (n >= 4 && p.get(2).equals("versions")) {
                if (n == 4 && method.equals("DELETE")) {
                    return registry.deleteVersion(subject, p.get(3), permanent);
                }
                if (method.equals("GET")) {
                    SchemaRegistry.Version v = registry.version(subject, p.get(3), deleted);
                    if (n == 4) {
                        return versionJson(v);
                    }
                    if (n == 5 && p.get(4).equals("schema")) {
                        return JSON.readTree(v.schema());
                    }
                    if (n == 5 && p.get(4).equals("referencedby")) {
                        return List.of(); // schema references are not supported: none refer
                    }
                }
            }
        }
        if (head.equals("schemas") && n >= 3 && p.get(1).equals("ids") && method.equals("GET")) {
            int id = parseId(p.get(2));
            String schema = registry.schema(id);
            if (n == 3) {
                ObjectNode r = JSON.createObjectNode();
                r.put("schema", schema);
                return r;
            }
            if (n == 4 && p.get(3).equals("schema")) {
                return JSON.readTree(schema);
            }
            if (n == 4 && p.get(3).equals("versions")) {
                ArrayNode out = JSON.createArrayNode();
                for (SchemaRegistry.Version v : registry.versionsOf(id, deleted)) {
                    out.addObject().put("subject", v.subject()).put("version", v.version());
                }
                return out;
            }
            if (n == 4 && p.get(3).equals("subjects")) {
                return registry.versionsOf(id, deleted).stream()
                        .map(SchemaRegistry.Version::subject)
                        .distinct()
                        .toList();
            }
        }
        if (head.equals("schemas") && n == 2 && p.get(1).equals("types")) {
            return List.of("AVRO");
        }
        if (head.equals("config") && n <= 2) {
            return config(method, n == 2 ? p.get(1) : null, ex);
        }
        if (head.equals("mode") && n <= 2) {
            return mode(method, n == 2 ? p.get(1) : null, ex);
        }
        if (head.equals("compatibility")
                && (n == 4 || n == 5)
                && p.get(1).equals("subjects")
                && p.get(3).equals("versions")
                && method.equals("POST")) {
            List<String> problems =
                    registry.testCompatibility(p.get(2), n == 5 ? p.get(4) : null, schemaOf(ex));
            ObjectNode r = JSON.createObjectNode();
            r.put("is_compatible", problems.isEmpty());
            if (flag(ex, "verbose")) {
                ArrayNode messages = r.putArray("messages");
                problems.forEach(messages::add);
            }
            return r;
        }
        throw new RegistryException(
                404, 404, "No such endpoint: " + method + " /" + String.join("/", p));
    }

    private Object config(String method, String subject, HttpExchange ex) throws IOException {
        ObjectNode r = JSON.createObjectNode();
        switch (method) {
            case "GET" -> {
                if (subject != null
                        && registry.subjectLevel(subject).isEmpty()
                        && !flag(ex, "defaultToGlobal")) {
                    throw new RegistryException(
                            404,
                            40408,
                            "Subject '"
                                    + subject
                                    + "' does not have subject-level compatibility configured");
                }
                r.put("compatibilityLevel", registry.level(subject).name());
                return r;
            }
            case "PUT" -> {
                JsonNode body = body(ex);
                String level =
                        body.path("compatibility").asText(body.path("compatibilityLevel").asText());
                CompatibilityLevel parsed;
                try {
                    parsed = CompatibilityLevel.valueOf(level.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new RegistryException(
                            422, 42203, "Invalid compatibility level '" + level + "'");
                }
                registry.setLevel(subject, parsed);
                r.put("compatibility", parsed.name());
                return r;
            }
            case "DELETE" -> {
                CompatibilityLevel had =
                        subject == null
                                ? registry.resetGlobalLevel()
                                : registry.deleteLevel(subject);
                r.put("compatibilityLevel", had.name());
                return r;
            }
            default -> throw noEndpoint(method, "config");
        }
    }

    private Object mode(String method, String subject, HttpExchange ex) throws IOException {
        ObjectNode r = JSON.createObjectNode();
        switch (method) {
            case "GET" -> {
                if (subject != null
                        && registry.subjectMode(subject).isEmpty()
                        && !flag(ex, "defaultToGlobal")) {
                    throw new RegistryException(
                            404,
                            40409,
                            "Subject '"
                                    + subject
                                    + "' does not have subject-level mode configured");
                }
                r.put("mode", registry.mode(subject));
                return r;
            }
            case "PUT" -> {
                String mode = body(ex).path("mode").asText("").toUpperCase(Locale.ROOT);
                r.put("mode", registry.setMode(subject, mode));
                return r;
            }
            case "DELETE" -> {
                if (subject == null) {
                    throw noEndpoint(method, "mode");
                }
                r.put("mode", registry.deleteMode(subject));
                return r;
            }
            default -> throw noEndpoint(method, "mode");
        }
    }

    private static RegistryException noEndpoint(String method, String path) {
        return new RegistryException(404, 404, "No such endpoint: " + method + " /" + path);
    }

    private static int parseId(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw RegistryException.schemaNotFound("id " + s);
        }
    }

    private static ObjectNode versionJson(SchemaRegistry.Version v) {
        ObjectNode r = JSON.createObjectNode();
        r.put("subject", v.subject());
        r.put("version", v.version());
        r.put("id", v.id());
        r.put("schema", v.schema());
        return r;
    }

    private static String schemaOf(HttpExchange ex) throws IOException {
        JsonNode body = body(ex);
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw RegistryException.invalidSchema("only AVRO schemas are supported, got " + type);
        }
        if (!body.hasNonNull("schema")) {
            throw RegistryException.invalidSchema("the request has no 'schema'");
        }
        if (body.path("references").size() > 0) {
            throw RegistryException.invalidSchema("schema references are not supported");
        }
        return body.get("schema").asText();
    }

    /** The request's JSON body; malformed JSON is Confluent's 400, not a server error. */
    private static JsonNode body(HttpExchange ex) throws IOException {
        try {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            if (body == null || !body.isObject()) {
                throw new RegistryException(
                        422, 422, "The request body must be a JSON object, got " + body);
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new RegistryException(
                    400, 400, "Malformed JSON in the request body: " + e.getOriginalMessage());
        }
    }

    /** A query parameter's value (decoded), or null. */
    private static String param(HttpExchange ex, String name) {
        for (String pair : query(ex).split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
                return eq < 0
                        ? ""
                        : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String query(HttpExchange ex) {
        String q = ex.getRequestURI().getRawQuery();
        return q == null ? "" : q;
    }

    private static boolean flag(HttpExchange ex, String name) {
        return "true".equalsIgnoreCase(param(ex, name));
    }

    private static List<String> segments(String rawPath) {
        return Arrays.stream(rawPath.split("/"))
                .filter(s -> !s.isEmpty())
                .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8))
                .toList();
    }

    private static void respond(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        registry.close();
    }
}
