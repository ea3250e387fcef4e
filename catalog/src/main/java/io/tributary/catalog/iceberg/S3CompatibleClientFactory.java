package io.tributary.catalog.iceberg;

import java.util.ArrayList;
import java.util.List;
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
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The S3 clients of Iceberg's {@code S3FileIO} for S3-compatible servers (the embedded one, MinIO,
 * Ceph): Iceberg's own endpoint, credential, region, HTTP and retry options, with request and
 * response checksums only where S3 requires them, since such servers reject the SDK's newer
 * trailing checksums. A bulk delete (DeleteObjects) requires a checksum, which the SDK sends as a
 * CRC32 header such servers refuse (S3Proxy refused every one: expired snapshots' files and old
 * metadata stayed), so the sync client deletes those keys one by one. Chosen with {@code
 * s3.client-factory-impl}; AWS itself needs none of this.
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
        return singleDeletes(
                b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                        .build());
    }

    /** {@code client} with DeleteObjects done as one DeleteObject per key; all else as is. */
    static S3Client singleDeletes(S3Client client) {
        java.lang.reflect.InvocationHandler handler =
                (proxy, method, args) -> {
                    if (method.getName().equals("deleteObjects")
                            && args != null
                            && args.length == 1
                            && args[0] instanceof DeleteObjectsRequest request) {
                        List<DeletedObject> deleted = new ArrayList<>();
                        List<S3Error> errors = new ArrayList<>();
                        for (ObjectIdentifier o : request.delete().objects()) {
                            try {
                                client.deleteObject(d -> d.bucket(request.bucket()).key(o.key()));
                                deleted.add(DeletedObject.builder().key(o.key()).build());
                            } catch (S3Exception e) {
                                errors.add(
                                        S3Error.builder()
                                                .key(o.key())
                                                .code(e.awsErrorDetails().errorCode())
                                                .message(e.getMessage())
                                                .build());
                            }
                        }
                        return DeleteObjectsResponse.builder()
                                .deleted(deleted)
                                .errors(errors)
                                .build();
                    }
                    try {
                        return method.invoke(client, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                };
        return (S3Client)
                java.lang.reflect.Proxy.newProxyInstance(
                        S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, handler);
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
