package io.tributary.catalog.crawler;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a crawl pass did: files listed, sampled and skipped (with why), tables created, updated,
 * unchanged, deprecated or deleted, partitions added, updated and removed, schema versions
 * registered, changes refused by the registry or only logged, and how long it took.
 */
public record CrawlReport(
        String location,
        String database,
        long filesListed,
        long filesSampled,
        long bytesListed,
        List<Skipped> skipped,
        long skippedTotal,
        List<String> tablesCreated,
        List<String> tablesUpdated,
        List<String> tablesUnchanged,
        List<String> tablesDeprecated,
        List<String> tablesDeleted,
        long partitionsAdded,
        long partitionsUpdated,
        long partitionsRemoved,
        int versionsRegistered,
        List<String> refused,
        List<String> logged,
        Duration took) {

    /** A file the crawl could not use, and why (at most 100 are kept in a report). */
    public record Skipped(String file, String reason) {}

    /** True when something in the catalog changed. */
    public boolean changedCatalog() {
        return !tablesCreated.isEmpty()
                || !tablesUpdated.isEmpty()
                || !tablesDeprecated.isEmpty()
                || !tablesDeleted.isEmpty()
                || partitionsAdded + partitionsUpdated + partitionsRemoved > 0;
    }

    /** One line for a terminal. */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "%,d files (%,d sampled, %,d skipped), tables: %d created, %d updated, %d"
                        + " unchanged%s%s; partitions: +%d ~%d -%d; %d schema version(s)"
                        + " registered%s in %.1f s",
                filesListed,
                filesSampled,
                skippedTotal,
                tablesCreated.size(),
                tablesUpdated.size(),
                tablesUnchanged.size(),
                tablesDeprecated.isEmpty() ? "" : ", " + tablesDeprecated.size() + " deprecated",
                tablesDeleted.isEmpty() ? "" : ", " + tablesDeleted.size() + " deleted",
                partitionsAdded,
                partitionsUpdated,
                partitionsRemoved,
                versionsRegistered,
                refused.isEmpty() ? "" : ", " + refused.size() + " change(s) REFUSED",
                took.toMillis() / 1000.0);
    }
}
