package io.tributary.catalog.iceberg;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tributary's S3 settings as Iceberg's {@code S3FileIO} properties, in one place for the lake sink,
 * the REST catalog's answers to clients and the CLI. An explicit endpoint means an S3-compatible
 * server, which gets {@link S3CompatibleClientFactory}.
 */
public final class IcebergStorage {

    private IcebergStorage() {}

    /** The FileIO properties for these settings; null values are left out. */
    public static Map<String, String> s3(
            String endpoint, String region, boolean pathStyle, String accessKey, String secretKey) {
        Map<String, String> p = new LinkedHashMap<>();
        if (endpoint != null && !endpoint.isBlank()) {
            p.put("s3.endpoint", endpoint);
            p.put(S3CompatibleClientFactory.PROPERTY, S3CompatibleClientFactory.class.getName());
        }
        if (region != null && !region.isBlank()) {
            p.put("client.region", region);
        } else if (endpoint != null && !endpoint.isBlank()) {
            p.put("client.region", "us-east-1"); // the SDK needs one; such servers ignore it
        }
        if (pathStyle) {
            p.put("s3.path-style-access", "true");
        }
        if (accessKey != null && !accessKey.isBlank() && secretKey != null) {
            p.put("s3.access-key-id", accessKey);
            p.put("s3.secret-access-key", secretKey);
        }
        return p;
    }

    /** The same settings as another engine's client is given them: without Tributary's classes. */
    public static Map<String, String> forOtherEngines(Map<String, String> s3) {
        Map<String, String> p = new LinkedHashMap<>(s3);
        p.remove(S3CompatibleClientFactory.PROPERTY);
        return p;
    }
}
