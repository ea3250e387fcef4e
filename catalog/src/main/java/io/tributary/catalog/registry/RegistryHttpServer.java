package io.tributary.catalog.registry;

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
        String head = p.get(0);
        if (head.equals("subjects")) {
            if (n == 1 && method.equals("GET")) {
                return registry.subjects();
            }
            String subject = p.get(1);
            if (n == 2 && method.equals("POST")) {
                SchemaRegistry.Version v =
                        registry.lookup(subject, schemaOf(ex))
                                .orElseThrow(
                                        () ->
                                                RegistryException.schemaNotFound(
                                                        "under subject '" + subject + "'"));
                return versionJson(v);
            }
            if (n == 2 && method.equals("DELETE")) {
                return registry.deleteSubject(subject);
            }
            if (n == 3 && p.get(2).equals("versions")) {
                if (method.equals("GET")) {
                    return registry.versions(subject);
                }
                if (method.equals("POST")) {
                    ObjectNode r = JSON.createObjectNode();
                    r.put("id", registry.register(subject, schemaOf(ex)));
                    return r;
                }
            }
            if (n >= 4 && p.get(2).equals("versions") && method.equals("GET")) {
                SchemaRegistry.Version v = registry.version(subject, p.get(3));
                return n == 5 && p.get(4).equals("schema")
                        ? JSON.readTree(v.schema())
                        : versionJson(v);
            }
        }
        if (head.equals("schemas") && n >= 3 && p.get(1).equals("ids") && method.equals("GET")) {
            int id = parseId(p.get(2));
            String schema = registry.schema(id);
            if (n == 4 && p.get(3).equals("schema")) {
                return JSON.readTree(schema);
            }
            ObjectNode r = JSON.createObjectNode();
            r.put("schema", schema);
            return r;
        }
        if (head.equals("schemas") && n == 2 && p.get(1).equals("types")) {
            return List.of("AVRO");
        }
        if (head.equals("config")) {
            String subject = n >= 2 ? p.get(1) : null;
            if (method.equals("GET")) {
                ObjectNode r = JSON.createObjectNode();
                if (subject != null
                        && registry.subjectLevel(subject).isEmpty()
                        && !query(ex).contains("defaultToGlobal=true")) {
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
            if (method.equals("PUT")) {
                JsonNode body = JSON.readTree(ex.getRequestBody());
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
                ObjectNode r = JSON.createObjectNode();
                r.put("compatibility", parsed.name());
                return r;
            }
        }
        if (head.equals("compatibility")
                && n == 5
                && p.get(1).equals("subjects")
                && p.get(3).equals("versions")
                && method.equals("POST")) {
            List<String> problems = registry.testCompatibility(p.get(2), p.get(4), schemaOf(ex));
            ObjectNode r = JSON.createObjectNode();
            r.put("is_compatible", problems.isEmpty());
            ArrayNode messages = r.putArray("messages");
            problems.forEach(messages::add);
            return r;
        }
        throw new RegistryException(
                404, 404, "No such endpoint: " + method + " /" + String.join("/", p));
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
        JsonNode body = JSON.readTree(ex.getRequestBody());
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw RegistryException.invalidSchema("only AVRO schemas are supported, got " + type);
        }
        if (!body.hasNonNull("schema")) {
            throw RegistryException.invalidSchema("the request has no 'schema'");
        }
        return body.get("schema").asText();
    }

    private static String query(HttpExchange ex) {
        String q = ex.getRequestURI().getRawQuery();
        return q == null ? "" : q;
    }

    private static List<String> segments(String rawPath) {
        return java.util.Arrays.stream(rawPath.split("/"))
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
