package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlerService;
import io.tributary.catalog.registry.RegistryHttpServer;
import io.tributary.catalog.registry.SchemaRegistryClient;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.embedded.EmbeddedServices;
import io.tributary.embedded.S3Service;
import io.tributary.embedded.internal.Ports;
import io.tributary.jobs.demo.DemoPipeline;
import io.tributary.jobs.runs.FlinkRest;
import io.tributary.objectstore.ObjectStores;
import io.tributary.objectstore.S3Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tributary services up|status|down}: the embedded default stack as a user's local stack
 * without Docker. {@code up} starts a detached JVM ({@code services run}) that owns every service
 * process and stops them all when it is told to stop or is interrupted.
 */
@Command(
        name = "services",
        mixinStandardHelpOptions = true,
        description =
                "Start, inspect and stop the embedded services (PostgreSQL, MariaDB, Kafka, S3,"
                        + " Flink, schema registry).",
        subcommands = {
            ServicesCommand.Up.class,
            ServicesCommand.Status.class,
            ServicesCommand.Down.class,
            ServicesCommand.Run.class
        })
final class ServicesCommand implements Runnable {

    static final String STATE_FILE = "services.json";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Path stateFile(Path home) {
        return home.resolve(STATE_FILE);
    }

    /** The state the daemon wrote, if it is still alive. */
    static Optional<JsonNode> runningState(Path home) {
        Path file = stateFile(home);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode state = JSON.readTree(file.toFile());
            long pid = state.path("pid").asLong(-1);
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive ? Optional.of(state) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The Flink REST API at the address given, else the one of the Flink started by {@code
     * tributary services up} under {@code home}.
     */
    static FlinkRest flinkRest(String given, Path home) {
        if (given != null && !given.isBlank()) {
            return new FlinkRest(given);
        }
        Optional<String> url =
                runningState(home)
                        .map(s -> s.path("services").path("flink").path("web-ui").asText(""))
                        .filter(s -> !s.isBlank());
        return new FlinkRest(
                url.orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "No Flink REST address: pass --rest host:port, or start"
                                                + " the embedded stack with `tributary services"
                                                + " up`")));
    }

    /** Whether every loopback port a service's endpoints name accepts connections. */
    static boolean answers(JsonNode endpoints) {
        Matcher m = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(endpoints.toString());
        boolean any = false;
        while (m.find()) {
            any = true;
            if (!Ports.isOpen(Integer.parseInt(m.group(1)))) {
                return false;
            }
        }
        return any || endpoints.has("port") && Ports.isOpen(endpoints.path("port").asInt());
    }

    static void printEndpoints(PrintWriter out, JsonNode state) {
        out.printf(
                "Tributary services (pid %d, home %s)%n",
                state.path("pid").asLong(), state.path("home").asText());
        Iterator<Map.Entry<String, JsonNode>> it = state.path("services").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> service = it.next();
            out.printf(
                    "  %s (%s)%n",
                    service.getKey(), answers(service.getValue()) ? "up" : "NOT ANSWERING");
            service.getValue()
                    .fields()
                    .forEachRemaining(
                            e -> out.printf("    %-18s %s%n", e.getKey(), e.getValue().asText()));
        }
    }

    /** Starts the daemon in the background and waits until it reports its endpoints. */
    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = "Start the services in the background and print their endpoints.")
    static final class Up implements Callable<Integer> {
        @Mixin HomeOption home;

        @Option(names = "--json", description = "Print the endpoints as JSON.")
        boolean json;

        @Option(
                names = "--timeout",
                defaultValue = "PT5M",
                description =
                        "How long to wait for the services (ISO-8601 duration, default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path dir = home.resolve();
            PrintWriter out = spec.commandLine().getOut();
            Optional<JsonNode> running = runningState(dir);
            if (running.isEmpty()) {
                Files.createDirectories(dir.resolve("logs"));
                Files.deleteIfExists(stateFile(dir));
                Path log = dir.resolve("logs").resolve("services.log");
                Process daemon =
                        JvmLauncher.start(
                                List.of("services", "run", "--home", dir.toString()), log);
                if (!json) {
                    out.println("Starting services under " + dir + " (log: " + log + ") ...");
                    out.flush();
                }
                long deadline = System.nanoTime() + timeout.toNanos();
                while (running.isEmpty()) {
                    if (!daemon.isAlive()) {
                        spec.commandLine()
                                .getErr()
                                .println(
                                        "tributary: the services did not start; last lines of "
                                                + log
                                                + ":");
                        JvmLauncher.tail(log, 25).forEach(spec.commandLine().getErr()::println);
                        return ExitCodes.FAILURE;
                    }
                    if (System.nanoTime() > deadline) {
                        daemon.destroy();
                        spec.commandLine()
                                .getErr()
                                .println(
                                        "tributary: the services did not start within "
                                                + timeout
                                                + "; see "
                                                + log);
                        return ExitCodes.FAILURE;
                    }
                    Thread.sleep(200);
                    running = runningState(dir);
                }
            } else if (!json) {
                out.println("Services are already running.");
            }
            if (json) {
                out.println(JSON.writeValueAsString(running.get()));
            } else {
                printEndpoints(out, running.get());
                out.println("Stop them with: ./tributary services down");
            }
            return ExitCodes.OK;
        }
    }

    /** Reports whether the daemon and each of its services answer. */
    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description =
                    "Show whether the services run, and their endpoints (exit 3 when not running).")
    static final class Status implements Callable<Integer> {
        @Mixin HomeOption home;

        @Option(names = "--json", description = "Print the status as JSON.")
        boolean json;

        @Option(
                names = "--get",
                paramLabel = "SERVICE.KEY",
                description =
                        "Print one endpoint value of the running services, e.g. s3.endpoint,"
                                + " mariadb.port (for scripts).")
        String get;

        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Optional<JsonNode> running = runningState(home.resolve());
            if (get != null) {
                int dot = get.indexOf('.');
                JsonNode v =
                        running.isEmpty() || dot <= 0
                                ? null
                                : running.get()
                                        .path("services")
                                        .path(get.substring(0, dot))
                                        .path(get.substring(dot + 1));
                if (v == null || !v.isValueNode()) {
                    PrintWriter err = spec.commandLine().getErr();
                    err.println(
                            running.isEmpty()
                                    ? "Services are not running (start them with: ./tributary"
                                            + " services up)"
                                    : "No endpoint '"
                                            + get
                                            + "' (SERVICE.KEY, e.g. s3.endpoint; see services"
                                            + " status --json)");
                    err.flush();
                    return running.isEmpty() ? ExitCodes.NOT_RUNNING : ExitCodes.USAGE;
                }
                out.println(v.asText());
                out.flush();
                return ExitCodes.OK;
            }
            if (json) {
                ObjectNode status = JSON.createObjectNode();
                status.put("running", running.isPresent());
                running.ifPresent(
                        s -> {
                            status.set("state", s);
                            ObjectNode health = status.putObject("answering");
                            s.path("services")
                                    .fields()
                                    .forEachRemaining(
                                            e -> health.put(e.getKey(), answers(e.getValue())));
                        });
                out.println(JSON.writeValueAsString(status));
            } else if (running.isPresent()) {
                printEndpoints(out, running.get());
            } else {
                out.println("Services are not running (start them with: ./tributary services up)");
            }
            return running.isPresent() ? ExitCodes.OK : ExitCodes.NOT_RUNNING;
        }
    }

    /** Tells the daemon to stop, and waits until it and every service process are gone. */
    @Command(
            name = "down",
            mixinStandardHelpOptions = true,
            description = "Stop the services and every process they started.")
    static final class Down implements Callable<Integer> {
        @Mixin HomeOption home;

        @Option(names = "--json", description = "Print what was stopped as JSON.")
        boolean json;

        @Spec picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path dir = home.resolve();
            PrintWriter out = spec.commandLine().getOut();
            Optional<JsonNode> running = runningState(dir);
            List<Long> stopped = new ArrayList<>();
            if (running.isPresent()) {
                JsonNode state = running.get();
                List<ProcessHandle> processes = new ArrayList<>();
                ProcessHandle.of(state.path("pid").asLong()).ifPresent(processes::add);
                state.path("pids")
                        .forEach(p -> ProcessHandle.of(p.asLong()).ifPresent(processes::add));
                // SIGTERM to the daemon: its shutdown hook stops the services in order
                processes.get(0).destroy();
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                for (ProcessHandle p : processes) {
                    while (p.isAlive() && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                    }
                    if (p.isAlive()) {
                        p.destroyForcibly();
                    }
                    stopped.add(p.pid());
                }
            }
            Files.deleteIfExists(stateFile(dir));
            if (json) {
                ObjectNode result = JSON.createObjectNode();
                result.put("was-running", running.isPresent());
                stopped.forEach(result.putArray("stopped-pids")::add);
                out.println(JSON.writeValueAsString(result));
            } else {
                out.println(
                        running.isPresent() ? "Services stopped." : "Services were not running.");
            }
            return ExitCodes.OK;
        }
    }

    /** The daemon itself: runs the services in the foreground until interrupted. */
    @Command(
            name = "run",
            hidden = true,
            description = "Run the services in the foreground until Ctrl-C.")
    static final class Run implements Callable<Integer> {
        @Mixin HomeOption home;

        @Override
        public Integer call() throws Exception {
            Path dir = home.resolve();
            Files.createDirectories(dir);
            EmbeddedServices services =
                    EmbeddedServices.builder(dir.resolve("services")).all().start();
            // the databases examples/ecommerce names: the warehouse the sinks load, the shop
            // the customers crawler and CDC read (empty until a user fills it)
            services.postgres().createDatabase("warehouse");
            services.mariadb().createDatabase("shop");
            RegistryHttpServer registry =
                    RegistryHttpServer.start(dir.resolve("services").resolve("schema-registry"), 0);
            // the lake: the catalog's Iceberg tables on the embedded S3 server, for any engine
            LakeCatalogServer lake =
                    LakeCatalogServer.onEmbeddedS3(
                            CatalogAccess.openStore(dir),
                            "s3://" + S3Service.DEFAULT_BUCKET + "/lake",
                            services.s3());
            // the crawlers defined as continuous or scheduled, each under a lease in the store
            CatalogStore crawlerStore = CatalogAccess.openStore(dir);
            CatalogService crawlerCatalog =
                    new CatalogService(
                            crawlerStore, new SchemaRegistryClient(registry.url()), crawlerStore);
            S3Settings embeddedS3 = DemoPipeline.embeddedS3(services.s3());
            CrawlerService crawlers =
                    CrawlerService.start(
                            crawlerCatalog,
                            (d, target) ->
                                    ObjectStores.open(
                                            target,
                                            !target.startsWith("s3")
                                                    ? null
                                                    : d.s3Endpoint() == null
                                                                    || d.s3Endpoint()
                                                                            .equals(
                                                                                    services.s3()
                                                                                            .endpoint())
                                                            ? embeddedS3
                                                            : new S3Settings(
                                                                    d.s3Endpoint(),
                                                                    null,
                                                                    true,
                                                                    null,
                                                                    null)),
                            (d, run, recorded) -> {
                                if (recorded) {
                                    System.out.println(
                                            "crawler "
                                                    + d.name()
                                                    + ": "
                                                    + CrawlersCommand.line(run));
                                }
                                CrawlersCommand.syncTwins(
                                        crawlerCatalog, d, run, embeddedS3, System.out::println);
                            },
                            "services");
            Path state = stateFile(dir);
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        crawlers.close();
                                        crawlerCatalog.close();
                                        lake.close();
                                        registry.close();
                                        services.close();
                                        try {
                                            Files.deleteIfExists(state);
                                        } catch (IOException ignored) {
                                            // best effort: a stale file is detected by its dead pid
                                        }
                                        stop.countDown();
                                    },
                                    "tributary-services-stop"));
            ObjectNode json = JSON.createObjectNode();
            json.put("pid", ProcessHandle.current().pid());
            json.put("home", dir.toString());
            json.put("started", Instant.now().toString());
            ObjectNode endpoints = JSON.valueToTree(services.endpoints());
            endpoints.putObject("schema-registry").put("url", registry.url());
            endpoints
                    .putObject("iceberg-rest")
                    .put("uri", lake.url())
                    .put("warehouse", lake.warehouse());
            json.set("services", endpoints);
            ObjectNode pids = json.putObject("pids");
            services.postgres().pid().ifPresent(p -> pids.put("postgres", p));
            services.mariadb().pid().ifPresent(p -> pids.put("mariadb", p));
            Path tmp = state.resolveSibling(STATE_FILE + ".tmp");
            Files.writeString(tmp, JSON.writeValueAsString(json), StandardCharsets.UTF_8);
            Files.move(
                    tmp,
                    state,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            System.out.println("Services up; endpoints in " + state);
            stop.await();
            return ExitCodes.OK;
        }
    }
}
