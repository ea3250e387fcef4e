package io.tributary.catalog.crawler;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.model.CatalogTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What a crawl pass did to the catalog, gathered table by table, then made a report. */
final class PassOutcome {
    List<CrawlReport.Skipped> skipped = new ArrayList<>();
    long extraSkipped;
    final List<String> created = new ArrayList<>();
    final List<String> updated = new ArrayList<>();
    final List<String> unchanged = new ArrayList<>();
    final List<String> deprecated = new ArrayList<>();
    final List<String> deleted = new ArrayList<>();
    final List<String> refused = new ArrayList<>();
    final List<String> logged = new ArrayList<>();
    long partitionsAdded;
    long partitionsUpdated;
    long partitionsRemoved;
    int versions;

    /** A table this location owns that the crawl no longer finds, by the delete policy. */
    void tableGone(
            CatalogService catalog,
            CatalogTable t,
            CrawlerOptions.DeletePolicy policy,
            String where) {
        switch (policy) {
            case DELETE -> {
                catalog.store().dropTable(t.database(), t.name());
                deleted.add(t.name());
            }
            case DEPRECATE -> {
                if (!t.deprecated()) {
                    catalog.store().putTable(t.withProperty(CatalogTable.DEPRECATED, "true"));
                    deprecated.add(t.name());
                }
            }
            case LOG ->
                    logged.add(t.qualifiedName() + ": no longer found under " + where + " (kept)");
        }
    }

    CrawlReport report(
            String location,
            String database,
            long listed,
            long sampled,
            long bytes,
            long skippedTotal,
            Duration took) {
        return new CrawlReport(
                location,
                database,
                listed,
                sampled,
                bytes,
                List.copyOf(skipped),
                skippedTotal + extraSkipped,
                created,
                updated,
                unchanged,
                deprecated,
                deleted,
                partitionsAdded,
                partitionsUpdated,
                partitionsRemoved,
                versions,
                refused,
                logged,
                took);
    }
}
