package io.tributary.catalog.crawler;

/** Progress of a crawl, for a terminal or a log: called from the crawling threads. */
public interface CrawlListener {

    CrawlListener NONE = new CrawlListener() {};

    /** Listing found {@code files} so far. */
    default void listed(long files) {}

    /** {@code done} of {@code total} files to sample are sampled. */
    default void sampled(long done, long total) {}

    /** The pass resolved {@code tables} tables and is writing them to the catalog. */
    default void resolved(int tables) {}

    /** A pass of {@code crawl --watch} failed; the next pass retries. */
    default void failed(Exception e) {}
}
