package io.tributary.embedded;

import io.tributary.embedded.internal.AwsCompatibleBlobStore;
import io.tributary.embedded.internal.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An S3-compatible server in this JVM (S3Proxy over a filesystem backend), reached with path-style
 * requests from the AWS SDK v2 and from Flink jobs as {@code s3://bucket/key}.
 */
public final class S3Service implements EmbeddedService {

    private static final Logger LOG = LoggerFactory.getLogger(S3Service.class);

    public static final String ACCESS_KEY = "tributary";
    public static final String SECRET_KEY = "tributary-secret";
    public static final String REGION = "us-east-1";

    /** A bucket every instance has from the start, for users of the embedded default. */
    public static final String DEFAULT_BUCKET = "tributary";

    private S3Proxy proxy;
    private final BlobStoreContext context;
    private final int port;
    private final Path dataDir;
    private volatile boolean closed;

    private S3Service(S3Proxy proxy, BlobStoreContext context, int port, Path dataDir) {
        this.proxy = proxy;
        this.context = context;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** Starts the server with buckets as folders of {@code dataDir}, on a free port when 0. */
    public static S3Service start(Path dataDir, int port) {
        int actualPort = port > 0 ? port : Ports.freePort();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties overrides = new Properties();
        overrides.setProperty("jclouds.filesystem.basedir", dataDir.toString());
        BlobStoreContext context =
                ContextBuilder.newBuilder("filesystem-nio2")
                        .credentials("identity", "credential")
                        .overrides(overrides)
                        .build(BlobStoreContext.class);
        S3Proxy proxy;
        try {
            LOG.info("Starting S3 server on 127.0.0.1:{} with data in {}", actualPort, dataDir);
            proxy = launch(context, actualPort, dataDir);
        } catch (Exception e) {
            context.close();
            throw new IllegalStateException("S3 server did not start on port " + actualPort, e);
        }
        S3Service service = new S3Service(proxy, context, actualPort, dataDir);
        service.createBucket(DEFAULT_BUCKET);
        return service;
    }

    private static S3Proxy launch(BlobStoreContext context, int port, Path dataDir)
            throws Exception {
        S3Proxy proxy =
                S3Proxy.builder()
                        .blobStore(new AwsCompatibleBlobStore(context.getBlobStore(), dataDir))
                        .endpoint(URI.create("http://" + Ports.LOOPBACK + ":" + port))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                        .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3 server state: " + proxy.getState());
            }
            Thread.sleep(20);
        }
        return proxy;
    }

    /**
     * The server goes away for {@code downtime} (connections refused), then answers again on the
     * same port with the same objects: an S3 outage as clients see it (fault tests).
     */
    public synchronized void outage(Duration downtime) {
        try {
            proxy.stop();
            Thread.sleep(downtime.toMillis());
            proxy = launch(context, port, dataDir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("S3 server did not come back on port " + port, e);
        }
    }

    @Override
    public String name() {
        return "s3";
    }

    public String endpoint() {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    /** An AWS SDK v2 client for this server (path-style, checksums only where required). */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                // gotcha 3: S3Proxy rejects the SDK's default trailing checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** Creates a bucket of its own for a test or a demo (no-op when this server already has it). */
    public void createBucket(String bucket) {
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            // already there
        } catch (S3Exception e) {
            if (e.statusCode() != 409) {
                throw e;
            }
        }
    }

    /**
     * The Flink configuration that makes {@code s3://} paths reach this server (flink-s3-fs-hadoop
     * keys; gotcha 2 in DEPENDENCIES.md).
     */
    public Map<String, String> flinkConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("s3.endpoint", endpoint());
        c.put("s3.path.style.access", "true");
        c.put("s3.access-key", ACCESS_KEY);
        c.put("s3.secret-key", SECRET_KEY);
        c.put("s3.endpoint.region", REGION);
        c.put("s3.directory.marker.retention", "keep");
        return c;
    }

    @Override
    public Map<String, String> endpoints() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("endpoint", endpoint());
        e.put("region", REGION);
        e.put("access-key", ACCESS_KEY);
        e.put("secret-key", SECRET_KEY);
        e.put("bucket", DEFAULT_BUCKET);
        e.put("path-style", "true");
        e.put("data-dir", dataDir.toString());
        return e;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.warn("S3 server on port {} did not stop cleanly", port, e);
        } finally {
            context.close();
        }
    }
}
