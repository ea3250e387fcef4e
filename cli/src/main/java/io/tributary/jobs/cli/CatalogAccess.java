package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.catalog.CatalogService;
import io.tributary.catalog.registry.Registry;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.registry.SchemaRegistryClient;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the CLI finds the catalog: the store ({@code --store}, else {@code
 * $TRIBUTARY_HOME/catalog}) and the schema registry ({@code --registry-url}; else the one {@code
 * services up} runs; else the same registry folder opened in this process). Secrets come from the
 * environment only.
 */
final class CatalogAccess {

    static final String STORE_ENV = "TRIBUTARY_CATALOG_STORE";
    static final String STORE_PASSWORD_ENV = "TRIBUTARY_CATALOG_STORE_PASSWORD";
    static final String REGISTRY_ENV = "TRIBUTARY_REGISTRY_URL";

    @Option(
            names = "--store",
            paramLabel = "DIR|JDBC-URL",
            description =
                    "Catalog store: a folder (embedded) or jdbc:postgresql://... (default:"
                            + " $TRIBUTARY_CATALOG_STORE, else $TRIBUTARY_HOME/catalog). Its"
                            + " password comes from $TRIBUTARY_CATALOG_STORE_PASSWORD.")
    String store;

    @Option(
            names = "--store-user",
            paramLabel = "USER",
            description = "User of a PostgreSQL catalog store.")
    String storeUser;

    @Option(
            names = "--registry-url",
            paramLabel = "URL",
            description =
                    "A Confluent-compatible schema registry (default: $TRIBUTARY_REGISTRY_URL, else"
                            + " the one `services up` runs, else the embedded registry's folder).")
    String registryUrl;

    /**
     * The catalog store alone (run history, tables): {@code $TRIBUTARY_CATALOG_STORE}, else the
     * embedded one under {@code home}.
     */
    static CatalogStore openStore(Path home) {
        String spec = System.getenv(STORE_ENV);
        return spec == null || spec.isBlank()
                ? CatalogStores.embedded(home.resolve("catalog"))
                : CatalogStores.open(spec, null, System.getenv(STORE_PASSWORD_ENV));
    }

    /** The store these options name: {@code --store}, else as {@link #openStore(Path)}. */
    CatalogStore store(Path home) {
        String spec = store != null ? store : System.getenv(STORE_ENV);
        return spec == null || spec.isBlank()
                ? CatalogStores.embedded(home.resolve("catalog"))
                : CatalogStores.open(spec, storeUser, System.getenv(STORE_PASSWORD_ENV));
    }

    /** Opens the catalog; {@code err} hears which registry is used. */
    CatalogService open(Path home, PrintWriter err) {
        CatalogStore s = store(home);
        String url = registryUrl != null ? registryUrl : System.getenv(REGISTRY_ENV);
        if (url == null) {
            Optional<JsonNode> running = ServicesCommand.runningState(home);
            if (running.isPresent()) {
                url = running.get().at("/services/schema-registry/url").asText(null);
            }
        }
        if (url != null) {
            return new CatalogService(s, new SchemaRegistryClient(url), s);
        }
        // opened on first use: commands that only read the store never lock the registry
        LazyRegistry local = new LazyRegistry(home.resolve("services").resolve("schema-registry"));
        return new CatalogService(s, local, s, local);
    }

    /** The embedded registry's folder, opened in this process when first needed. */
    private static final class LazyRegistry implements Registry, AutoCloseable {
        private final Path dir;
        private SchemaRegistry registry;

        LazyRegistry(Path dir) {
            this.dir = dir;
        }

        private synchronized SchemaRegistry get() {
            if (registry == null) {
                registry = SchemaRegistry.open(dir);
            }
            return registry;
        }

        @Override
        public int register(String subject, String schema) {
            return get().register(subject, schema);
        }

        @Override
        public Optional<SchemaRegistry.Version> lookup(String subject, String schema) {
            return get().lookup(subject, schema);
        }

        @Override
        public List<Integer> versions(String subject) {
            return get().versions(subject);
        }

        @Override
        public SchemaRegistry.Version version(String subject, String version) {
            return get().version(subject, version);
        }

        @Override
        public synchronized void close() {
            if (registry != null) {
                registry.close();
            }
        }
    }
}
