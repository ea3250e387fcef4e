package io.tributary.objectstore;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Objects under an {@code s3://bucket/prefix/}, listed with ListObjectsV2, read by byte range. */
final class S3ObjectStore implements ObjectStore {

    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    S3ObjectStore(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    @Override
    public String location() {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public void list(String startAfter, Consumer<ObjectInfo> sink) throws IOException {
        try {
            ListObjectsV2Request req =
                    ListObjectsV2Request.builder()
                            .bucket(bucket)
                            .prefix(prefix)
                            .startAfter(startAfter == null ? null : prefix + startAfter)
                            .build();
            for (S3Object o : s3.listObjectsV2Paginator(req).contents()) {
                if (o.key().endsWith("/")) {
                    continue; // a folder marker
                }
                sink.accept(
                        new ObjectInfo(
                                o.key().substring(prefix.length()), o.size(), o.lastModified()));
            }
        } catch (SdkException e) {
            throw new IOException("Listing " + location() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String key, long maxBytes) throws IOException {
        try {
            return s3.getObject(
                    GetObjectRequest.builder()
                            .bucket(bucket)
                            .key(prefix + key)
                            .range("bytes=0-" + (maxBytes - 1))
                            .build());
        } catch (SdkException e) {
            throw new IOException("Reading " + uri(key) + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream openAt(String key, long offset) throws IOException {
        try {
            return s3.getObject(
                    GetObjectRequest.builder()
                            .bucket(bucket)
                            .key(prefix + key)
                            .range(offset > 0 ? "bytes=" + offset + "-" : null)
                            .build());
        } catch (SdkException e) {
            throw new IOException("Reading " + uri(key) + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(String key, byte[] data) throws IOException {
        try {
            s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromBytes(data));
        } catch (SdkException e) {
            throw new IOException("Writing " + uri(key) + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(prefix + key));
        } catch (SdkException e) {
            throw new IOException("Deleting " + uri(key) + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] read(String key, long offset, int length) throws IOException {
        if (length == 0) {
            return new byte[0];
        }
        try {
            return s3.getObjectAsBytes(
                            GetObjectRequest.builder()
                                    .bucket(bucket)
                                    .key(prefix + key)
                                    .range("bytes=" + offset + "-" + (offset + length - 1))
                                    .build())
                    .asByteArray();
        } catch (SdkException e) {
            throw new IOException("Reading " + uri(key) + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
