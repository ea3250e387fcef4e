package io.tributary.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One instance of each service per JVM, started on first use and stopped when the JVM exits: what
 * tests share. Each test takes its own database, bucket or topic on it. Their data (a few hundred
 * MB per JVM) is deleted when the JVM exits, unless {@code -Dtributary.keep-services=true}.
 */
public final class SharedServices {

    private static final Map<EmbeddedServices.Kind, EmbeddedServices> STARTED =
            new EnumMap<>(EmbeddedServices.Kind.class);
    private static Path root;

    private SharedServices() {}

    public static PostgresService postgres() {
        return of(EmbeddedServices.Kind.POSTGRES).postgres();
    }

    public static MariaDbService mariadb() {
        return of(EmbeddedServices.Kind.MARIADB).mariadb();
    }

    public static KafkaService kafka() {
        return of(EmbeddedServices.Kind.KAFKA).kafka();
    }

    public static S3Service s3() {
        // Flink's s3:// file system is bound to the S3 server started with it: share that one
        return of(EmbeddedServices.Kind.FLINK).s3();
    }

    public static FlinkService flink() {
        return of(EmbeddedServices.Kind.FLINK).flink();
    }

    private static synchronized EmbeddedServices of(EmbeddedServices.Kind kind) {
        return STARTED.computeIfAbsent(
                kind, k -> EmbeddedServices.builder(root().resolve(k.folder())).with(k).start());
    }

    private static synchronized Path root() {
        if (root == null) {
            try {
                Path base = Paths.get(System.getProperty("java.io.tmpdir"));
                Files.createDirectories(base);
                root = Files.createTempDirectory(base, "tributary-services-");
                if (!Boolean.getBoolean("tributary.keep-services")) {
                    Path dir = root;
                    Runtime.getRuntime()
                            .addShutdownHook(
                                    new Thread(
                                            () -> stopAndDelete(dir), "shared-services-cleanup"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    /**
     * Stops the services (waiting for their own shutdown hook if it runs), then deletes {@code
     * dir}.
     */
    private static void stopAndDelete(Path dir) {
        List<EmbeddedServices> started;
        synchronized (SharedServices.class) {
            started = new ArrayList<>(STARTED.values());
        }
        started.forEach(EmbeddedServices::close);
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp folder is all that remains
        }
    }
}
