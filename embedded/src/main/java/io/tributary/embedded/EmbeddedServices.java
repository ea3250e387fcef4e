package io.tributary.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default stack: the services a pipeline needs, each under its own folder of one root
 * directory, started in parallel and stopped together (also when the JVM exits on Ctrl-C).
 */
public final class EmbeddedServices implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServices.class);

    /** The services this module can start. */
    public enum Kind {
        POSTGRES,
        MARIADB,
        KAFKA,
        S3,
        FLINK;

        public String folder() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Path root;
    private final Map<Kind, EmbeddedService> started;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private EmbeddedServices(Path root, Map<Kind, EmbeddedService> started) {
        this.root = root;
        this.started = Collections.synchronizedMap(started);
        this.shutdownHook = new Thread(this::closeServices, "tributary-services-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** Chooses services and ports, then starts them. */
    public static final class Builder {
        private final Path root;
        private final Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        private final Map<Kind, Integer> ports = new EnumMap<>(Kind.class);
        private int flinkSlots = 4;

        private Builder(Path root) {
            this.root = root;
        }

        public Builder with(Kind... more) {
            kinds.addAll(List.of(more));
            return this;
        }

        public Builder all() {
            return with(Kind.values());
        }

        /** A fixed port for one service (0 = a free one, the default). */
        public Builder port(Kind kind, int port) {
            ports.put(kind, port);
            return this;
        }

        public Builder flinkSlots(int slots) {
            this.flinkSlots = slots;
            return this;
        }

        /**
         * Starts the chosen services in parallel. If one fails, the ones already started are
         * stopped and the first failure is thrown.
         */
        public EmbeddedServices start() {
            Map<Kind, EmbeddedService> done =
                    Collections.synchronizedMap(new EnumMap<>(Kind.class));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                CompletableFuture<S3Service> s3 =
                        kinds.contains(Kind.S3) || kinds.contains(Kind.FLINK)
                                ? launch(
                                        pool,
                                        done,
                                        Kind.S3,
                                        p -> S3Service.start(root.resolve("s3"), p))
                                : CompletableFuture.completedFuture(null);
                List<CompletableFuture<?>> all = new ArrayList<>();
                all.add(s3);
                if (kinds.contains(Kind.POSTGRES)) {
                    all.add(
                            launch(
                                    pool,
                                    done,
                                    Kind.POSTGRES,
                                    p -> PostgresService.start(root.resolve("postgres"), p)));
                }
                if (kinds.contains(Kind.MARIADB)) {
                    all.add(
                            launch(
                                    pool,
                                    done,
                                    Kind.MARIADB,
                                    p -> MariaDbService.start(root.resolve("mariadb"), p)));
                }
                if (kinds.contains(Kind.KAFKA)) {
                    all.add(
                            launch(
                                    pool,
                                    done,
                                    Kind.KAFKA,
                                    p -> KafkaService.start(root.resolve("kafka"), p)));
                }
                if (kinds.contains(Kind.FLINK)) {
                    // Flink's s3:// file system points at the S3 server, so it starts after it
                    all.add(
                            s3.thenApplyAsync(
                                    s -> {
                                        FlinkService f =
                                                FlinkService.start(
                                                        ports.getOrDefault(Kind.FLINK, 0),
                                                        flinkSlots,
                                                        s.flinkConfig());
                                        done.put(Kind.FLINK, f);
                                        return f;
                                    },
                                    pool));
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
                return new EmbeddedServices(root, new EnumMap<>(done));
            } catch (CompletionException e) {
                // EnumMap's copy constructor refuses an empty map: that hid the real failure
                EnumMap<Kind, EmbeddedService> started = new EnumMap<>(Kind.class);
                started.putAll(done);
                new EmbeddedServices(root, started).close();
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(cause);
            } finally {
                pool.shutdown();
            }
        }

        private <S extends EmbeddedService> CompletableFuture<S> launch(
                ExecutorService pool,
                Map<Kind, EmbeddedService> done,
                Kind kind,
                Function<Integer, S> starter) {
            return CompletableFuture.supplyAsync(
                    () -> {
                        long t0 = System.nanoTime();
                        S s = starter.apply(ports.getOrDefault(kind, 0));
                        done.put(kind, s);
                        LOG.info("{} up in {} ms", s.name(), (System.nanoTime() - t0) / 1_000_000);
                        return s;
                    },
                    pool);
        }
    }

    public Path root() {
        return root;
    }

    public boolean has(Kind kind) {
        return started.containsKey(kind);
    }

    public PostgresService postgres() {
        return get(Kind.POSTGRES, PostgresService.class);
    }

    public MariaDbService mariadb() {
        return get(Kind.MARIADB, MariaDbService.class);
    }

    public KafkaService kafka() {
        return get(Kind.KAFKA, KafkaService.class);
    }

    public S3Service s3() {
        return get(Kind.S3, S3Service.class);
    }

    public FlinkService flink() {
        return get(Kind.FLINK, FlinkService.class);
    }

    private <S> S get(Kind kind, Class<S> type) {
        EmbeddedService s = started.get(kind);
        if (s == null) {
            throw new IllegalStateException(
                    kind.folder() + " was not started: add Kind." + kind + " to the builder");
        }
        return type.cast(s);
    }

    /** Endpoints of every started service, by service name, in start order. */
    public Map<String, Map<String, String>> endpoints() {
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            EmbeddedService s = started.get(kind);
            if (s != null) {
                all.put(s.name(), s.endpoints());
            }
        }
        return all;
    }

    @Override
    public void close() {
        closeServices();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running or ran
        }
    }

    private synchronized void closeServices() {
        if (closed) {
            return;
        }
        closed = true;
        // Flink first (its jobs use the others), then the rest
        List<Kind> order = new ArrayList<>(List.of(Kind.values()));
        Collections.reverse(order);
        for (Kind kind : order) {
            EmbeddedService s = started.get(kind);
            if (s != null) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    LOG.warn("{} did not stop cleanly", s.name(), e);
                }
            }
        }
    }
}
