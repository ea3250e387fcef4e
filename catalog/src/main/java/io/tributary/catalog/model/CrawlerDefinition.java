package io.tributary.catalog.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Glue's crawler definition, kept in the catalog store: what to crawl ({@code targets}: {@code
 * s3://}, {@code file://} prefixes or {@code jdbc:} databases), into which database, how often
 * ({@code schedule}: null for on demand, else the time between passes; a continuous crawler's is a
 * few seconds), and its policies as the crawl command takes them (schema change, delete behaviour,
 * recrawl, excludes, table threshold, JSON path). A JDBC target's password is never stored: {@code
 * jdbcPassword} is where to read it ({@code env:NAME} or {@code file:/path}). {@code stopped}: its
 * schedule is paused until it is started again.
 */
public record CrawlerDefinition(
        String name,
        List<String> targets,
        String database,
        Duration schedule,
        List<String> excludes,
        String schemaChange,
        String onDelete,
        String recrawl,
        int tableThreshold,
        String jsonPath,
        String jdbcUser,
        String jdbcPassword,
        String jdbcSchema,
        String jdbcTables,
        String s3Endpoint,
        boolean stopped,
        Instant created,
        Instant updated) {

    /** The time between a continuous crawler's passes. */
    public static final Duration CONTINUOUS = Duration.ofSeconds(2);

    public CrawlerDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(database, "database");
        targets = targets == null ? List.of() : List.copyOf(targets);
        excludes = excludes == null ? List.of() : List.copyOf(excludes);
        created = created == null ? Instant.now() : created;
        updated = updated == null ? created : updated;
    }

    /** Whether it runs on its own (continuously or every {@link #schedule}). */
    public boolean scheduled() {
        return schedule != null;
    }

    /** "continuous", "every 10m" or "on demand". */
    public String scheduleText() {
        if (schedule == null) {
            return "on demand";
        }
        if (schedule.compareTo(CONTINUOUS) <= 0) {
            return "continuous (every " + seconds(schedule) + ")";
        }
        return "every " + seconds(schedule);
    }

    private static String seconds(Duration d) {
        long s = d.toSeconds();
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + " ms";
        }
        if (s % 3600 == 0) {
            return s / 3600 + " h";
        }
        if (s % 60 == 0) {
            return s / 60 + " min";
        }
        return s + " s";
    }

    /**
     * A crawler of {@code targets} into {@code database} on {@code schedule} (null: on demand),
     * with the default policies; {@link #withS3Endpoint} and {@link #withJdbcLogin} add the rest.
     */
    public static CrawlerDefinition of(
            String name, String database, Duration schedule, List<String> targets) {
        return new CrawlerDefinition(
                name, targets, database, schedule, List.of(), null, null, null, 0, null, null, null,
                null, null, null, false, null, null);
    }

    /** This crawler reading its {@code s3://} targets from an S3-compatible {@code endpoint}. */
    public CrawlerDefinition withS3Endpoint(String endpoint) {
        return new CrawlerDefinition(
                name,
                targets,
                database,
                schedule,
                excludes,
                schemaChange,
                onDelete,
                recrawl,
                tableThreshold,
                jsonPath,
                jdbcUser,
                jdbcPassword,
                jdbcSchema,
                jdbcTables,
                endpoint,
                stopped,
                created,
                updated);
    }

    /**
     * This crawler logging in to its JDBC targets as {@code user}, its password read from {@code
     * passwordFrom} ({@code env:NAME} or {@code file:/path}) each pass, crawling the tables {@code
     * tables} matches (null: all).
     */
    public CrawlerDefinition withJdbcLogin(String user, String passwordFrom, String tables) {
        return new CrawlerDefinition(
                name,
                targets,
                database,
                schedule,
                excludes,
                schemaChange,
                onDelete,
                recrawl,
                tableThreshold,
                jsonPath,
                user,
                passwordFrom,
                jdbcSchema,
                tables,
                s3Endpoint,
                stopped,
                created,
                updated);
    }

    public CrawlerDefinition withStopped(boolean stop) {
        return new CrawlerDefinition(
                name,
                targets,
                database,
                schedule,
                excludes,
                schemaChange,
                onDelete,
                recrawl,
                tableThreshold,
                jsonPath,
                jdbcUser,
                jdbcPassword,
                jdbcSchema,
                jdbcTables,
                s3Endpoint,
                stop,
                created,
                Instant.now());
    }
}
