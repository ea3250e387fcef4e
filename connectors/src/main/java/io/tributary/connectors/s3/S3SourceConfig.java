package io.tributary.connectors.s3;

import io.tributary.objectstore.ObjectStore;
import io.tributary.objectstore.ObjectStores;
import io.tributary.objectstore.S3Settings;
import java.io.Serializable;
import java.util.Set;
import org.apache.flink.annotation.Internal;

/**
 * Everything the enumerator and the readers of one source need, built once from the options ({@link
 * S3ConnectorOptions}) and shipped with the job.
 */
@Internal
public record S3SourceConfig(
        String location,
        S3Settings s3,
        boolean continuous,
        long scanIntervalMillis,
        long rescanIntervalMillis,
        long clockSkewMillis,
        FileDiscovery.ModifiedFiles modifiedFiles,
        boolean startFromLatest,
        long splitSize,
        int headerLines,
        int maxLineBytes,
        BadRecords badRecords,
        String quarantineLocation,
        String bulkFormat,
        boolean jsonArrays,
        boolean multiLine,
        String jsonPath,
        String quarantinePii)
        implements Serializable {

    /** What a record that cannot be read does. */
    public enum BadRecords {
        /** Written to the quarantine with its file, position, raw text and reason (default). */
        QUARANTINE,
        /** Fails the job, naming the file and the position. */
        FAIL,
        /** Counted in the metric, nothing kept. */
        SKIP_AND_COUNT
    }

    /** Formats read record by record from whole files, not line by line. */
    static final Set<String> BULK_FORMATS = Set.of("avro", "parquet");

    ObjectStore open() {
        return ObjectStores.open(location, s3);
    }

    /** Where bad records go: the option, else {@code _tributary_quarantine/} under the location. */
    String quarantine() {
        if (quarantineLocation != null && !quarantineLocation.isBlank()) {
            return quarantineLocation.endsWith("/") ? quarantineLocation : quarantineLocation + "/";
        }
        String base = location.endsWith("/") ? location : location + "/";
        return base + "_tributary_quarantine/";
    }
}
