package io.tributary.jobs.cli;

import io.tributary.catalog.registry.TokenAccess;
import io.tributary.objectstore.S3Settings;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tributary catalog serve}: the catalog as an Iceberg REST Catalog in the foreground, for a
 * deployment (a container, a Kubernetes pod); {@code services up} runs one already. Spark, Trino,
 * Flink, PyIceberg and DuckDB connect with {@code type=rest, uri=<printed URL>}.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description =
                "Serve the catalog over the Iceberg REST Catalog API until Ctrl-C (the token, if"
                        + " any, from $TRIBUTARY_CATALOG_TOKEN or the file"
                        + " $TRIBUTARY_CATALOG_TOKEN_FILE names).")
final class CatalogServeCommand implements Callable<Integer> {

    static final String TOKEN_ENV = "TRIBUTARY_CATALOG_TOKEN";

    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin HomeOption home = new HomeOption();
    @Mixin CatalogAccess access = new CatalogAccess();
    @Mixin S3Access s3 = new S3Access();

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description =
                    "Address to bind (default ${DEFAULT-VALUE}; beyond it a token is required).")
    String host;

    @Option(
            names = "--port",
            defaultValue = "8181",
            description = "Port (default ${DEFAULT-VALUE}, Iceberg's usual; 0: a free one).")
    int port;

    @Option(
            names = "--warehouse",
            paramLabel = "URI",
            description =
                    "Where new tables go (default: s3://tributary/lake on the embedded S3 server"
                            + " while `services up` runs, else file:<home>/lake).")
    String warehouse;

    @Option(
            names = "--vend-keys",
            description =
                    "Hand the S3 keys this server uses to clients (only for a private network or"
                            + " the embedded S3 server); otherwise clients bring their own.")
    boolean vendKeys;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        java.nio.file.Path dir = home.resolve();
        boolean embeddedS3 =
                warehouse == null
                        && ServicesCommand.runningState(dir)
                                .map(st -> st.at("/services/s3/endpoint").isTextual())
                                .orElse(false);
        String where =
                warehouse != null
                        ? warehouse
                        : embeddedS3
                                ? "s3://tributary/lake"
                                : dir.resolve("lake").toUri().toString();
        S3Settings settings = s3.settings(where, dir, err);
        String token = TokenAccess.tokenFromEnvironment(TOKEN_ENV);
        try (LakeCatalogServer server =
                LakeCatalogServer.start(
                        access.store(dir),
                        where,
                        settings,
                        vendKeys || embeddedS3,
                        host,
                        port,
                        token)) {
            out.println(
                    "Iceberg REST catalog on http://"
                            + host
                            + ":"
                            + java.net.URI.create(server.url()).getPort()
                            + " (warehouse "
                            + server.warehouse()
                            + (token == null ? ", no token: loopback only)" : ", token required)"));
            out.println("Stop with Ctrl-C.");
            out.flush();
            CountDownLatch forever = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
            forever.await();
        }
        return ExitCodes.OK;
    }
}
