package io.tributary.catalog.iceberg;

import java.util.Map;
import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.HttpClientProperties;
import org.apache.iceberg.aws.s3.S3FileIOAwsClientFactory;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The S3 clients of Iceberg's {@code S3FileIO} for S3-compatible servers (the embedded one, MinIO,
 * Ceph): Iceberg's own endpoint, credential, region, HTTP and retry options, with request and
 * response checksums only where S3 requires them, since such servers reject the SDK's newer
 * trailing checksums. Chosen with {@code s3.client-factory-impl}; AWS itself needs none of this.
 */
public final class S3CompatibleClientFactory implements S3FileIOAwsClientFactory {

    private static final long serialVersionUID = 1L;

    /** The property that names this factory to {@code S3FileIO}. */
    public static final String PROPERTY = S3FileIOProperties.CLIENT_FACTORY;

    private Map<String, String> properties = Map.of();

    @Override
    public void initialize(Map<String, String> props) {
        this.properties = Map.copyOf(props);
    }

    @Override
    public S3Client s3() {
        S3FileIOProperties s3 = new S3FileIOProperties(properties);
        AwsClientProperties aws = new AwsClientProperties(properties);
        S3ClientBuilder b = S3Client.builder();
        aws.applyClientRegionConfiguration(b);
        new HttpClientProperties(properties).applyHttpClientConfigurations(b);
        s3.applyEndpointConfigurations(b);
        s3.applyServiceConfigurations(b);
        s3.applyCredentialConfigurations(aws, b);
        s3.applySignerConfiguration(b);
        s3.applyRetryConfigurations(b);
        return b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    @Override
    public S3AsyncClient s3Async() {
        S3FileIOProperties s3 = new S3FileIOProperties(properties);
        AwsClientProperties aws = new AwsClientProperties(properties);
        S3AsyncClientBuilder b = S3AsyncClient.builder();
        aws.applyClientRegionConfiguration(b);
        s3.applyEndpointConfigurations(b);
        s3.applyCredentialConfigurations(aws, b);
        return b.forcePathStyle(
                        Boolean.parseBoolean(
                                properties.getOrDefault(
                                        S3FileIOProperties.PATH_STYLE_ACCESS, "false")))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }
}
