package io.tributary.objectstore;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Files under one location ({@code s3://bucket/prefix/} or {@code file:///dir/}), listed and read
 * by range: what a crawler needs, nothing more. Keys are relative to the location, {@code
 * /}-separated.
 */
public interface ObjectStore extends AutoCloseable {

    /** The location, normalised to end with {@code /}. */
    String location();

    /** Calls {@code sink} for every object under the location, in key order. */
    default void list(Consumer<ObjectInfo> sink) throws IOException {
        list(null, sink);
    }

    /**
     * Calls {@code sink} for every object whose key sorts after {@code startAfter} (all when null),
     * in key order: S3's {@code StartAfter}, so the cost is that of the keys returned.
     */
    void list(String startAfter, Consumer<ObjectInfo> sink) throws IOException;

    /** An object's bytes from {@code offset} to its end. */
    InputStream openAt(String key, long offset) throws IOException;

    /** Writes (or replaces) an object. */
    void write(String key, byte[] data) throws IOException;

    /** Deletes an object (no error when it is not there). */
    void delete(String key) throws IOException;

    /** The first bytes of an object (the caller reads only what it needs and closes). */
    InputStream open(String key, long maxBytes) throws IOException;

    /** {@code length} bytes of an object from {@code offset}. */
    byte[] read(String key, long offset, int length) throws IOException;

    /** The full location of a key, or of a folder when {@code key} ends with {@code /}. */
    default String uri(String key) {
        return location() + key;
    }

    @Override
    void close();
}
