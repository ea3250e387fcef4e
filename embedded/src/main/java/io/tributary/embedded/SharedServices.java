package io.tributary.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.EnumMap;
import java.util.Map;

/**
 * One instance of each service per JVM, started on first use and stopped when the JVM exits: what
 * tests share. Each test takes its own database, bucket or topic on it.
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
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }
}
