package io.tributary.catalog.crawler;

import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** A crawler of some kind of location (object store, database), run once or continuously. */
public interface CatalogCrawler {

    /** One full pass. */
    CrawlReport crawl() throws IOException;

    /**
     * Crawls now and every {@code interval} until {@code stop} says so, handing each pass's report
     * to {@code onPass}; a failed pass is reported to the listener and retried.
     */
    void watch(Duration interval, Consumer<CrawlReport> onPass, BooleanSupplier stop)
            throws InterruptedException;
}
