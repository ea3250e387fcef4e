package io.tributary.catalog.crawler;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlerOptions.DeletePolicy;
import io.tributary.catalog.crawler.CrawlerOptions.Recrawl;
import io.tributary.catalog.crawler.CrawlerOptions.SchemaChangePolicy;
import io.tributary.catalog.model.CrawlerDefinition;
import io.tributary.catalog.model.CrawlerRun;
import io.tributary.objectstore.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A defined crawler at work: one crawler per target, kept between passes (what each file said is
 * also kept in the catalog store), each {@link #pass} crawling every target and returning the run
 * it makes. Targets are opened through {@link Targets}, which knows the deployment's S3 settings.
 */
public final class CrawlerSession implements AutoCloseable {

    /** Opens an object-store target with the deployment's settings. */
    @FunctionalInterface
    public interface Targets {
        ObjectStore open(CrawlerDefinition crawler, String target);
    }

    private record Target(String location, CatalogCrawler crawler, ObjectStore store) {}

    private final CatalogService catalog;
    private final CrawlerDefinition definition;
    private final List<Target> targets = new ArrayList<>();

    public CrawlerSession(
            CatalogService catalog,
            CrawlerDefinition definition,
            Targets opener,
            CrawlListener listener) {
        this.catalog = catalog;
        this.definition = definition;
        CrawlerOptions options = options(definition);
        try {
            for (String t : definition.targets()) {
                if (t.startsWith("jdbc:")) {
                    targets.add(
                            new Target(
                                    t,
                                    new JdbcCrawler(
                                            catalog,
                                            new JdbcCrawler.Source(
                                                    t,
                                                    definition.jdbcUser(),
                                                    password(definition),
                                                    definition.jdbcSchema(),
                                                    definition.jdbcTables()),
                                            options,
                                            listener),
                                    null));
                } else {
                    ObjectStore store = opener.open(definition, t);
                    targets.add(
                            new Target(
                                    t,
                                    new Crawler(catalog, store, options, listener)
                                            .remembering(catalog.store(), definition.name()),
                                    store));
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public CrawlerDefinition definition() {
        return definition;
    }

    /** The crawl options a definition stands for; a value that is not one fails, naming it. */
    public static CrawlerOptions options(CrawlerDefinition d) {
        return new CrawlerOptions(
                        d.database(),
                        d.excludes(),
                        policy(SchemaChangePolicy.class, d.schemaChange(), "schema-change"),
                        policy(DeletePolicy.class, d.onDelete(), "on-delete"),
                        policy(Recrawl.class, d.recrawl(), "recrawl"),
                        d.tableThreshold(),
                        0,
                        0,
                        0,
                        d.jsonPath())
                .withTableThreshold(d.tableThreshold());
    }

    private static <E extends Enum<E>> E policy(Class<E> type, String value, String option) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E v : type.getEnumConstants()) {
                allowed.add(v.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            throw new IllegalArgumentException(
                    "--" + option + " '" + value + "' is not one of " + allowed);
        }
    }

    /**
     * The JDBC password a definition points at: {@code env:NAME} (that variable) or {@code
     * file:/path} (the file's content); null when it names none.
     */
    public static String password(CrawlerDefinition d) {
        String ref = d.jdbcPassword();
        if (ref == null || ref.isBlank()) {
            return null;
        }
        if (ref.startsWith("env:")) {
            String v = System.getenv(ref.substring(4));
            if (v == null) {
                throw new IllegalStateException(
                        "Crawler '"
                                + d.name()
                                + "' reads its database password from $"
                                + ref.substring(4)
                                + ", which is not set in this process");
            }
            return v;
        }
        if (ref.startsWith("file:")) {
            try {
                return Files.readString(Path.of(ref.substring(5))).strip();
            } catch (IOException e) {
                throw new IllegalStateException(
                        "Crawler '"
                                + d.name()
                                + "' reads its database password from "
                                + ref.substring(5)
                                + ", which cannot be read: "
                                + e.getMessage(),
                        e);
            }
        }
        throw new IllegalArgumentException(
                "A password reference is env:NAME or file:/path, not '" + ref + "'");
    }

    /**
     * Crawls every target once. A target that fails does not stop the others; the run is FAILED
     * then, with each failure named. Changes the registry refused are errors of a run that
     * otherwise succeeded.
     */
    public CrawlerRun pass(String trigger, boolean refreshAll) {
        Instant started = Instant.now();
        String id =
                started.toString().replace(":", "").replace("-", "")
                        + "-"
                        + UUID.randomUUID().toString().substring(0, 8);
        long listed = 0;
        long sampled = 0;
        long added = 0;
        long updated = 0;
        long removed = 0;
        int versions = 0;
        List<String> created = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> deprecated = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        boolean failed = false;
        for (Target t : targets) {
            try {
                CrawlReport r =
                        t.crawler() instanceof Crawler c ? c.pass(refreshAll) : t.crawler().crawl();
                listed += r.filesListed();
                sampled += r.filesSampled();
                created.addAll(r.tablesCreated());
                changed.addAll(r.tablesUpdated());
                deprecated.addAll(r.tablesDeprecated());
                deleted.addAll(r.tablesDeleted());
                added += r.partitionsAdded();
                updated += r.partitionsUpdated();
                removed += r.partitionsRemoved();
                versions += r.versionsRegistered();
                r.refused().forEach(m -> errors.add("refused: " + m));
            } catch (IOException | RuntimeException e) {
                failed = true;
                errors.add(t.location() + ": " + describe(e));
            }
        }
        return new CrawlerRun(
                definition.name(),
                id,
                started,
                Instant.now(),
                failed ? CrawlerRun.FAILED : CrawlerRun.SUCCEEDED,
                trigger,
                listed,
                sampled,
                created,
                changed,
                deprecated,
                deleted,
                added,
                updated,
                removed,
                versions,
                errors);
    }

    /** Whether a run changed the catalog or failed: the runs a schedule records. */
    public static boolean worthRecording(CrawlerRun r) {
        return !CrawlerRun.SUCCEEDED.equals(r.state())
                || !r.errors().isEmpty()
                || !r.tablesCreated().isEmpty()
                || !r.tablesUpdated().isEmpty()
                || !r.tablesDeprecated().isEmpty()
                || !r.tablesDeleted().isEmpty()
                || r.partitionsAdded() + r.partitionsUpdated() + r.partitionsRemoved() > 0
                || r.versionsRegistered() > 0;
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 600; t = t.getCause()) {
            if (t.getMessage() != null && sb.indexOf(t.getMessage()) < 0) {
                if (sb.length() > 0) {
                    sb.append(": ");
                }
                sb.append(t.getMessage());
            }
        }
        return sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
    }

    @Override
    public void close() {
        for (Target t : targets) {
            if (t.store() != null) {
                try {
                    t.store().close();
                } catch (RuntimeException ignored) {
                    // closing; the next session opens its own
                }
            }
        }
    }
}
