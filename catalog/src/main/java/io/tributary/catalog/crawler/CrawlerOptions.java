package io.tributary.catalog.crawler;

import java.util.List;
import java.util.Objects;

/**
 * How a crawl behaves, with Glue's choices: what to do when a table's schema changed ({@link
 * SchemaChangePolicy}) and when data disappeared ({@link DeletePolicy}), whether to re-read every
 * file or only new folders ({@link Recrawl}), exclude globs, the most tables a crawl may create,
 * the sample bounds per file, and where JSON documents hold their records ({@link JsonRecordPath}).
 */
public record CrawlerOptions(
        String database,
        List<String> excludes,
        SchemaChangePolicy schemaChange,
        DeletePolicy onDelete,
        Recrawl recrawl,
        int tableThreshold,
        int sampleBytes,
        int sampleRecords,
        int threads,
        String jsonPath) {

    /** Glue's "update the table definition" or "ignore the change and only log it". */
    public enum SchemaChangePolicy {
        UPDATE,
        LOG
    }

    /** Glue's delete behaviour for tables and partitions no longer found. */
    public enum DeletePolicy {
        LOG,
        DEPRECATE,
        DELETE
    }

    /** Re-read every file, or only files in folders the catalog does not know yet. */
    public enum Recrawl {
        EVERYTHING,
        NEW_FOLDERS
    }

    public CrawlerOptions {
        Objects.requireNonNull(database, "database");
        excludes = excludes == null ? List.of() : List.copyOf(excludes);
        schemaChange = schemaChange == null ? SchemaChangePolicy.UPDATE : schemaChange;
        onDelete = onDelete == null ? DeletePolicy.DEPRECATE : onDelete;
        recrawl = recrawl == null ? Recrawl.EVERYTHING : recrawl;
        sampleBytes = sampleBytes <= 0 ? 1024 * 1024 : sampleBytes;
        sampleRecords = sampleRecords <= 0 ? 1000 : sampleRecords;
        threads = threads <= 0 ? 8 : threads;
        jsonPath = jsonPath == null || jsonPath.isBlank() ? null : jsonPath.trim();
        if (jsonPath != null) {
            JsonRecordPath.parse(jsonPath); // refused here, with the reason, before any file
        }
    }

    /** Glue's defaults: update, deprecate, everything, no threshold, 1 MB / 1,000 records. */
    public static CrawlerOptions defaults(String database) {
        return new CrawlerOptions(database, List.of(), null, null, null, 0, 0, 0, 0, null);
    }

    public CrawlerOptions withExcludes(List<String> globs) {
        return new CrawlerOptions(
                database,
                globs,
                schemaChange,
                onDelete,
                recrawl,
                tableThreshold,
                sampleBytes,
                sampleRecords,
                threads,
                jsonPath);
    }

    public CrawlerOptions withPolicies(
            SchemaChangePolicy change, DeletePolicy delete, Recrawl again) {
        return new CrawlerOptions(
                database,
                excludes,
                change,
                delete,
                again,
                tableThreshold,
                sampleBytes,
                sampleRecords,
                threads,
                jsonPath);
    }

    public CrawlerOptions withTableThreshold(int max) {
        return new CrawlerOptions(
                database,
                excludes,
                schemaChange,
                onDelete,
                recrawl,
                max,
                sampleBytes,
                sampleRecords,
                threads,
                jsonPath);
    }

    /**
     * Glue's custom JSON classifier: the records of every JSON file are the elements of the array
     * at {@code path} ({@code $.features[*]}); the table keeps the path for its readers.
     */
    public CrawlerOptions withJsonPath(String path) {
        return new CrawlerOptions(
                database,
                excludes,
                schemaChange,
                onDelete,
                recrawl,
                tableThreshold,
                sampleBytes,
                sampleRecords,
                threads,
                path);
    }
}
