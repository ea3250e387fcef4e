package io.tributary.objectstore;

import java.io.Serializable;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * How to reach S3: an endpoint override for S3-compatible servers (null for AWS), region,
 * path-style addressing, and keys (null: the AWS default credential chain). {@link #toString()}
 * never shows the secret.
 */
public record S3Settings(
        String endpoint, String region, boolean pathStyle, String accessKey, String secretKey)
        implements Serializable {

    /** AWS itself, with the default credential chain and region. */
    public static S3Settings aws() {
        return new S3Settings(null, null, false, null, null);
    }

    /** A client for these settings. */
    public S3Client client() {
        var builder =
                S3Client.builder()
                        .forcePathStyle(pathStyle)
                        // S3-compatible servers do not all validate the newer checksums
                        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                        .credentialsProvider(credentials());
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        if (region != null) {
            builder.region(Region.of(region));
        } else if (endpoint != null) {
            builder.region(Region.US_EAST_1);
        }
        return builder.build();
    }

    private AwsCredentialsProvider credentials() {
        if (accessKey != null && secretKey != null) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(accessKey, secretKey));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint="
                + endpoint
                + ", region="
                + region
                + ", pathStyle="
                + pathStyle
                + ", accessKey="
                + (accessKey == null ? "default chain" : "***")
                + "]";
    }
}
