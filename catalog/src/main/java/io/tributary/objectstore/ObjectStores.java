package io.tributary.objectstore;

import java.net.URI;
import java.nio.file.Path;

/** Opens the {@link ObjectStore} for a location: {@code s3://bucket/prefix}, {@code file://}. */
public final class ObjectStores {

    private ObjectStores() {}

    public static ObjectStore open(String location, S3Settings s3) {
        if (location.startsWith("s3://") || location.startsWith("s3a://")) {
            String rest = location.substring(location.indexOf("://") + 3);
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1);
            if (bucket.isEmpty()) {
                throw new IllegalArgumentException(
                        "'" + location + "' names no bucket; write s3://bucket/prefix/");
            }
            return new S3ObjectStore((s3 == null ? S3Settings.aws() : s3).client(), bucket, prefix);
        }
        if (location.startsWith("file:")) {
            return new LocalObjectStore(Path.of(URI.create(location)));
        }
        if (location.contains("://")) {
            throw new IllegalArgumentException(
                    "Cannot crawl '" + location + "': use s3://bucket/prefix/ or file:///folder/");
        }
        return new LocalObjectStore(Path.of(location));
    }
}
