package io.tributary.catalog.iceberg;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tributary.catalog.registry.TokenAccess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.rest.CatalogHandlers;
import org.apache.iceberg.rest.Endpoint;
import org.apache.iceberg.rest.RESTSerializers;
import org.apache.iceberg.rest.RESTUtil;
import org.apache.iceberg.rest.requests.CreateNamespaceRequest;
import org.apache.iceberg.rest.requests.CreateTableRequest;
import org.apache.iceberg.rest.requests.RegisterTableRequest;
import org.apache.iceberg.rest.requests.RenameTableRequest;
import org.apache.iceberg.rest.requests.UpdateNamespacePropertiesRequest;
import org.apache.iceberg.rest.requests.UpdateTableRequest;
import org.apache.iceberg.rest.responses.ConfigResponse;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.apache.iceberg.shaded.com.fasterxml.jackson.annotation.JsonAutoDetect;
import org.apache.iceberg.shaded.com.fasterxml.jackson.annotation.PropertyAccessor;
import org.apache.iceberg.shaded.com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.iceberg.shaded.com.fasterxml.jackson.databind.DeserializationFeature;
import org.apache.iceberg.shaded.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.iceberg.shaded.com.fasterxml.jackson.databind.PropertyNamingStrategies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tributary's catalog served over the Apache Iceberg REST Catalog API, so Spark, Trino, Flink's
 * {@code iceberg} connector, PyIceberg and DuckDB read and write the lake tables that {@code
 * tributary catalog} shows. Namespaces are the catalog's databases. Requests are carried out by
 * Iceberg's own {@link CatalogHandlers} over {@link TributaryIcebergCatalog}, so a commit's
 * requirements and updates are checked and applied exactly as Iceberg defines them; this class
 * routes, authenticates and maps errors to the spec's status codes.
 *
 * <p>Binds 127.0.0.1 unless told otherwise; beyond loopback a token is required, which clients send
 * as {@code Authorization: Bearer <token>} (Iceberg's {@code token} catalog property). The storage
 * settings given at start (S3 endpoint, path style, region, and credentials only when configured to
 * hand them out) reach clients in the config and load-table responses.
 */
public final class IcebergRestServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IcebergRestServer.class);

    /** What a client of this server can call; clients check this list before calling. */
    static final List<Endpoint> ENDPOINTS =
            List.of(
                    Endpoint.V1_LIST_NAMESPACES,
                    Endpoint.V1_LOAD_NAMESPACE,
                    Endpoint.V1_NAMESPACE_EXISTS,
                    Endpoint.V1_CREATE_NAMESPACE,
                    Endpoint.V1_DELETE_NAMESPACE,
                    Endpoint.V1_UPDATE_NAMESPACE,
                    Endpoint.V1_LIST_TABLES,
                    Endpoint.V1_LOAD_TABLE,
                    Endpoint.V1_TABLE_EXISTS,
                    Endpoint.V1_CREATE_TABLE,
                    Endpoint.V1_UPDATE_TABLE,
                    Endpoint.V1_DELETE_TABLE,
                    Endpoint.V1_RENAME_TABLE,
                    Endpoint.V1_REGISTER_TABLE,
                    Endpoint.V1_REPORT_METRICS);

    private final TributaryIcebergCatalog catalog;
    private final Map<String, String> clientConfig;
    private final HttpServer server;
    private final ExecutorService pool;
    private final ObjectMapper json;

    private IcebergRestServer(
            TributaryIcebergCatalog catalog,
            Map<String, String> clientConfig,
            HttpServer server,
            ExecutorService pool) {
        this.catalog = catalog;
        this.clientConfig = Map.copyOf(clientConfig);
        this.server = server;
        this.pool = pool;
        this.json = mapper();
    }

    static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper();
        m.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY);
        m.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        m.setPropertyNamingStrategy(new PropertyNamingStrategies.KebabCaseStrategy());
        RESTSerializers.registerAll(m);
        return m;
    }

    /**
     * Serves {@code catalog} on {@code host}:{@code port} (0: a free port). {@code clientConfig}
     * holds what clients need to read the data ({@code s3.endpoint}, {@code s3.path-style-access},
     * {@code client.region}, ...). With a {@code token}, every request must give it.
     */
    public static IcebergRestServer start(
            TributaryIcebergCatalog catalog,
            String host,
            int port,
            String token,
            Map<String, String> clientConfig) {
        TokenAccess.requireTokenBeyondLoopback("The Iceberg REST catalog", host, token);
        ExecutorService pool =
                Executors.newFixedThreadPool(
                        4,
                        r -> {
                            Thread t = new Thread(r, "iceberg-rest");
                            t.setDaemon(true);
                            return t;
                        });
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
            IcebergRestServer s = new IcebergRestServer(catalog, clientConfig, http, pool);
            byte[] expected =
                    token == null || token.isBlank()
                            ? null
                            : token.getBytes(StandardCharsets.UTF_8);
            http.createContext("/", ex -> s.handle(ex, expected));
            http.setExecutor(pool);
            http.start();
            LOG.info("Iceberg REST catalog on {} (warehouse {})", s.url(), catalog.warehouse());
            return s;
        } catch (IOException e) {
            pool.shutdown();
            throw new UncheckedIOException(
                    "Could not start the Iceberg REST catalog on " + host + ":" + port, e);
        }
    }

    /** The URI clients are given ({@code uri} in Iceberg's catalog properties). */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private static boolean authorized(HttpExchange ex, byte[] expected) {
        if (expected == null) {
            return true;
        }
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(
                expected, h.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private void handle(HttpExchange ex, byte[] token) {
        try {
            if (!authorized(ex, token)) {
                throw new NotAuthorizedException(
                        "A token is required: give the catalog property 'token' (sent as"
                                + " 'Authorization: Bearer <token>')");
            }
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            List<String> p = segments(ex.getRequestURI().getRawPath());
            Object response = route(method, p, ex);
            if (response == null) {
                ex.sendResponseHeaders(204, -1);
            } else {
                send(ex, 200, json.writeValueAsBytes(response));
            }
        } catch (RuntimeException | IOException e) {
            error(ex, e);
        } finally {
            ex.close();
        }
    }

    private void error(HttpExchange ex, Exception e) {
        int code = status(e);
        if (code >= 500) {
            LOG.warn("Iceberg REST {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        ErrorResponse err =
                ErrorResponse.builder()
                        .responseCode(code)
                        .withType(e.getClass().getSimpleName())
                        .withMessage(message)
                        .build();
        try {
            if (ex.getRequestMethod().equalsIgnoreCase("HEAD")) {
                ex.sendResponseHeaders(code, -1);
            } else {
                send(ex, code, json.writeValueAsBytes(err));
            }
        } catch (IOException io) {
            LOG.debug("Could not answer {} {}", ex.getRequestMethod(), ex.getRequestURI(), io);
        }
    }

    /** The status the REST spec gives each failure. */
    static int status(Exception e) {
        if (e instanceof NotAuthorizedException) {
            return 401;
        }
        if (e instanceof ForbiddenException) {
            return 403;
        }
        if (e instanceof NoSuchNamespaceException
                || e instanceof NoSuchTableException
                || e instanceof NotFound) {
            return 404;
        }
        if (e instanceof AlreadyExistsException
                || e instanceof CommitFailedException
                || e instanceof NamespaceNotEmptyException) {
            return 409;
        }
        if (e instanceof UnsupportedOperationException) {
            return 406;
        }
        if (e instanceof IllegalArgumentException
                || e instanceof ValidationException
                || e instanceof JsonProcessingException) {
            return 400;
        }
        return 500; // CommitStateUnknownException among others: the client must not retry blindly
    }

    /** No route for a path, or a method a route does not take. */
    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }

    private static void send(HttpExchange ex, int code, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, body.length);
        ex.getResponseBody().write(body);
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private <T> T body(HttpExchange ex, Class<T> type) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                throw new IllegalArgumentException(
                        "The request has no body; expected a JSON " + type.getSimpleName());
            }
            T value = json.readValue(bytes, type);
            if (value == null) {
                throw new IllegalArgumentException("Expected a JSON " + type.getSimpleName());
            }
            return value;
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        String q = ex.getRequestURI().getRawQuery();
        Map<String, String> out = new HashMap<>();
        if (q != null) {
            for (String pair : q.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(
                            RESTUtil.decodeString(pair.substring(0, eq)),
                            RESTUtil.decodeString(pair.substring(eq + 1)));
                }
            }
        }
        return out;
    }

    private static Namespace namespace(String raw) {
        Namespace ns = RESTUtil.decodeNamespace(raw);
        if (ns.isEmpty() || Arrays.stream(ns.levels()).anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("Invalid namespace: '" + raw + "'");
        }
        return ns;
    }

    private Object route(String method, List<String> p, HttpExchange ex) throws IOException {
        if (p.isEmpty() || !p.get(0).equals("v1")) {
            throw new NotFound("No such endpoint: " + ex.getRequestURI().getPath());
        }
        p = p.subList(1, p.size());
        int n = p.size();
        Map<String, String> q = query(ex);
        if (n == 1 && p.get(0).equals("config") && method.equals("GET")) {
            return ConfigResponse.builder()
                    .withDefaults(new HashMap<>(clientConfig))
                    .withEndpoints(ENDPOINTS)
                    .build();
        }
        if (n == 2 && p.get(0).equals("tables") && p.get(1).equals("rename")) {
            expect(method, "POST", ex);
            CatalogHandlers.renameTable(catalog, body(ex, RenameTableRequest.class));
            return null;
        }
        if (n == 0 || !p.get(0).equals("namespaces")) {
            throw new NotFound("No such endpoint: " + ex.getRequestURI().getPath());
        }
        if (n == 1) {
            if (method.equals("GET")) {
                Namespace parent =
                        q.containsKey("parent") ? namespace(q.get("parent")) : Namespace.empty();
                return q.containsKey("pageSize")
                        ? CatalogHandlers.listNamespaces(
                                catalog, parent, q.get("pageToken"), q.get("pageSize"))
                        : CatalogHandlers.listNamespaces(catalog, parent);
            }
            expect(method, "POST", ex);
            return CatalogHandlers.createNamespace(catalog, body(ex, CreateNamespaceRequest.class));
        }
        Namespace ns = namespace(p.get(1));
        if (n == 2) {
            switch (method) {
                case "GET":
                    return CatalogHandlers.loadNamespace(catalog, ns);
                case "HEAD":
                    CatalogHandlers.namespaceExists(catalog, ns);
                    return null;
                case "DELETE":
                    CatalogHandlers.dropNamespace(catalog, ns);
                    return null;
                default:
                    throw new NotFound("No " + method + " on a namespace");
            }
        }
        String what = p.get(2);
        if (n == 3 && what.equals("properties")) {
            expect(method, "POST", ex);
            return CatalogHandlers.updateNamespaceProperties(
                    catalog, ns, body(ex, UpdateNamespacePropertiesRequest.class));
        }
        if (n == 3 && what.equals("register")) {
            expect(method, "POST", ex);
            return withConfig(
                    CatalogHandlers.registerTable(
                            catalog, ns, body(ex, RegisterTableRequest.class)));
        }
        if (!what.equals("tables")) {
            throw new NotFound("No such endpoint: " + ex.getRequestURI().getPath());
        }
        if (n == 3) {
            if (method.equals("GET")) {
                return q.containsKey("pageSize")
                        ? CatalogHandlers.listTables(
                                catalog, ns, q.get("pageToken"), q.get("pageSize"))
                        : CatalogHandlers.listTables(catalog, ns);
            }
            expect(method, "POST", ex);
            CreateTableRequest create = body(ex, CreateTableRequest.class);
            return withConfig(
                    create.stageCreate()
                            ? CatalogHandlers.stageTableCreate(catalog, ns, create)
                            : CatalogHandlers.createTable(catalog, ns, create));
        }
        TableIdentifier id = TableIdentifier.of(ns, RESTUtil.decodeString(p.get(3)));
        if (n == 4) {
            switch (method) {
                case "GET":
                    return withConfig(CatalogHandlers.loadTable(catalog, id));
                case "HEAD":
                    CatalogHandlers.tableExists(catalog, id);
                    return null;
                case "POST":
                    return withConfig(
                            CatalogHandlers.updateTable(
                                    catalog, id, body(ex, UpdateTableRequest.class)));
                case "DELETE":
                    if (Boolean.parseBoolean(q.get("purgeRequested"))) {
                        CatalogHandlers.purgeTable(catalog, id);
                    } else {
                        CatalogHandlers.dropTable(catalog, id);
                    }
                    return null;
                default:
                    throw new NotFound("No " + method + " on a table");
            }
        }
        if (n == 5 && p.get(4).equals("metrics")) {
            expect(method, "POST", ex);
            ex.getRequestBody().readAllBytes(); // scan and commit reports: accepted, not kept
            return null;
        }
        throw new NotFound("No such endpoint: " + ex.getRequestURI().getPath());
    }

    private static void expect(String method, String wanted, HttpExchange ex) {
        if (!method.equals(wanted)) {
            throw new NotFound(
                    "No " + method + " on " + ex.getRequestURI().getPath() + "; use " + wanted);
        }
    }

    /** A load-table response with the storage settings clients need to read the files. */
    private LoadTableResponse withConfig(LoadTableResponse r) {
        Map<String, String> config = new HashMap<>(clientConfig);
        config.putAll(r.config());
        return LoadTableResponse.builder()
                .withTableMetadata(r.tableMetadata())
                .addAllConfig(config)
                .addAllCredentials(r.credentials())
                .build();
    }
}
