package io.tributary.catalog.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One partition of a table: its values (one per partition key, in key order), where its files are,
 * how many and how big, the newest modification time among them, and when a crawler last saw it. A
 * deprecated partition was not found by the last crawl and kept by its delete policy.
 */
public record Partition(
        List<String> values,
        String location,
        long fileCount,
        long bytes,
        Instant lastModified,
        Instant lastSeen,
        boolean deprecated) {

    public Partition {
        values = List.copyOf(values);
        Objects.requireNonNull(location, "location");
    }

    /** The same partition with its statistics replaced. */
    public Partition withStats(long files, long size, Instant modified, Instant seen) {
        return new Partition(values, location, files, size, modified, seen, false);
    }

    public Partition deprecate() {
        return new Partition(values, location, fileCount, bytes, lastModified, lastSeen, true);
    }
}
