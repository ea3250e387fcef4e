package io.tributary.catalog.store;

import io.tributary.catalog.model.CrawlerDefinition;
import io.tributary.catalog.model.CrawlerRun;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What the catalog keeps of its crawlers: their definitions, who runs each one now (a lease, so two
 * processes never crawl for the same crawler at once), their run history, and what each file of
 * each target said (so a restarted crawler samples only what changed since).
 */
public interface CrawlerStore {

    /** Who holds a crawler's lease, until when, and when its last pass ended. */
    record Lease(String holder, Instant until, Instant lastPass) {}

    /** Stores a new crawler; fails when one of that name exists. */
    void createCrawler(CrawlerDefinition crawler);

    Optional<CrawlerDefinition> crawler(String name);

    /** Every crawler, by name. */
    List<CrawlerDefinition> crawlers();

    /** Replaces a crawler with what {@code change} makes of it, atomically; fails if none. */
    CrawlerDefinition updateCrawler(String name, UnaryOperator<CrawlerDefinition> change);

    /** Drops a crawler with its runs, lease and file state; false when there was none. */
    boolean dropCrawler(String name);

    /**
     * Takes or renews the crawler's lease for {@code holder} until {@code duration} from now,
     * atomically also against other processes: true when {@code holder} holds it now (it was free,
     * expired, or already its own), false when another holder's lease runs. {@code lastPass}, when
     * not null, records the end of a pass.
     */
    boolean leaseCrawler(String name, String holder, Duration duration, Instant lastPass);

    /** Gives the lease up, if {@code holder} has it. */
    void releaseCrawler(String name, String holder);

    /** The crawler's lease, expired or not; empty when never taken or released. */
    Optional<Lease> crawlerLease(String name);

    /** Records a run (or replaces the run of that id). */
    void putCrawlerRun(CrawlerRun run);

    /** The crawler's newest {@code limit} runs, newest first. */
    List<CrawlerRun> crawlerRuns(String name, int limit);

    /** What the crawler remembers of target {@code target}: file key → document. */
    Map<String, String> crawlerFiles(String name, String target);

    /** Upserts {@code put} and removes {@code removed} from the target's file state, at once. */
    void updateCrawlerFiles(
            String name, String target, Map<String, String> put, Collection<String> removed);
}
