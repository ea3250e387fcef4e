package io.tributary.catalog.crawler;

import io.tributary.catalog.model.CrawlerDefinition;
import io.tributary.catalog.store.CatalogException;
import io.tributary.catalog.store.CrawlerStore;
import io.tributary.objectstore.ObjectStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The checks a crawler definition passes before it is stored, each failure a {@link
 * CatalogException} naming the crawler, what is wrong and the fix: a name, targets of a kind
 * Tributary crawls (and no password inside a JDBC URL), policies it knows, no target another
 * crawler of the same database already covers (two crawlers would claim the same tables), and,
 * unless told not to, targets that answer now.
 */
public final class CrawlerDefinitions {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern JDBC_PASSWORD =
            Pattern.compile("(?i)([?&;](password|pwd)=)|(//[^/@:]*:[^/@]*@)");

    private CrawlerDefinitions() {}

    /** Syntax, policies and overlaps with the crawlers already in {@code store}. */
    public static void check(CrawlerDefinition d, CrawlerStore store) {
        String who = "Crawler '" + d.name() + "'";
        if (!NAME.matcher(d.name()).matches()) {
            throw new CatalogException(
                    who
                            + ": a crawler's name is letters, digits, '_', '.' and '-' (at most 128,"
                            + " starting with a letter or digit)");
        }
        if (d.targets().isEmpty()) {
            throw new CatalogException(
                    who + " has no target: give --target s3://bucket/prefix/ or --target jdbc:...");
        }
        for (String t : d.targets()) {
            if (t.startsWith("jdbc:")) {
                if (!(t.startsWith("jdbc:mysql:")
                        || t.startsWith("jdbc:mariadb:")
                        || t.startsWith("jdbc:postgresql:"))) {
                    throw new CatalogException(
                            who
                                    + ": target "
                                    + JdbcCrawler.redact(t)
                                    + " is not a database Tributary crawls; use jdbc:mysql://,"
                                    + " jdbc:mariadb:// or jdbc:postgresql://");
                }
                if (JDBC_PASSWORD.matcher(t).find()) {
                    throw new CatalogException(
                            who
                                    + ": target "
                                    + JdbcCrawler.redact(t)
                                    + " carries a password, and a definition never stores one;"
                                    + " remove it from the URL and give --password-env NAME or"
                                    + " --password-file FILE");
                }
            } else if (!(t.startsWith("s3://")
                    || t.startsWith("s3a://")
                    || t.startsWith("file:"))) {
                throw new CatalogException(
                        who
                                + ": target '"
                                + t
                                + "' is not a location Tributary crawls; use s3://bucket/prefix/,"
                                + " file:///folder/ or a jdbc: URL");
            }
        }
        if (d.schedule() != null && d.schedule().compareTo(Duration.ofSeconds(1)) < 0) {
            throw new CatalogException(
                    who
                            + ": a schedule of less than 1 s would only load the store; use 1s or more");
        }
        try {
            CrawlerSession.options(d);
            if (d.jdbcPassword() != null
                    && !d.jdbcPassword().startsWith("env:")
                    && !d.jdbcPassword().startsWith("file:")) {
                throw new IllegalArgumentException(
                        "its password reference must be env:NAME or file:/path");
            }
        } catch (IllegalArgumentException e) {
            throw new CatalogException(who + ": " + e.getMessage());
        }
        for (CrawlerDefinition other : store.crawlers()) {
            if (other.name().equals(d.name()) || !other.database().equals(d.database())) {
                continue;
            }
            for (String mine : d.targets()) {
                for (String theirs : other.targets()) {
                    if (overlap(mine, theirs)) {
                        throw new CatalogException(
                                who
                                        + ": target "
                                        + JdbcCrawler.redact(mine)
                                        + " overlaps crawler '"
                                        + other.name()
                                        + "' (target "
                                        + JdbcCrawler.redact(theirs)
                                        + ") in database "
                                        + d.database()
                                        + ": two crawlers would claim the same tables. Crawl a"
                                        + " prefix the other does not cover, use another"
                                        + " --database, or change crawler '"
                                        + other.name()
                                        + "'");
                    }
                }
            }
        }
    }

    /** Whether one target covers the other (the same place, or one a prefix of the other). */
    static boolean overlap(String a, String b) {
        if (a.startsWith("jdbc:") || b.startsWith("jdbc:")) {
            return base(a).equals(base(b));
        }
        String x = folder(a);
        String y = folder(b);
        return x.startsWith(y) || y.startsWith(x);
    }

    private static String base(String jdbc) {
        String r = JdbcCrawler.redact(jdbc);
        int q = r.indexOf('?');
        return (q < 0 ? r : r.substring(0, q)).toLowerCase(Locale.ROOT);
    }

    private static String folder(String location) {
        String s = location.startsWith("s3a://") ? "s3://" + location.substring(6) : location;
        return s.endsWith("/") ? s : s + "/";
    }

    /** Stops a listing after its first object. */
    private static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }

    /**
     * Whether each target answers now: an object-store target is listed (its first object), a
     * database is connected to. The first that does not fails, naming the target and the fix.
     */
    public static void reach(CrawlerDefinition d, CrawlerSession.Targets opener, Duration timeout) {
        String who = "Crawler '" + d.name() + "'";
        for (String t : d.targets()) {
            if (t.startsWith("jdbc:")) {
                Properties props = new Properties();
                if (d.jdbcUser() != null) {
                    props.setProperty("user", d.jdbcUser());
                }
                String password;
                try {
                    password = CrawlerSession.password(d);
                } catch (RuntimeException e) {
                    throw new CatalogException(who + ": " + e.getMessage());
                }
                if (password != null) {
                    props.setProperty("password", password);
                }
                DriverManager.setLoginTimeout((int) Math.max(1, timeout.toSeconds()));
                try (Connection c = DriverManager.getConnection(t, props)) {
                    c.getMetaData();
                } catch (SQLException e) {
                    throw new CatalogException(
                            who
                                    + ": database "
                                    + JdbcCrawler.redact(t)
                                    + " cannot be reached: "
                                    + CrawlerSession.describe(e)
                                    + ". Check the host, port and database name, that it runs, and"
                                    + " the user and password (--user, --password-env or"
                                    + " --password-file); --no-check stores the crawler"
                                    + " anyway");
                }
            } else {
                try (ObjectStore store = opener.open(d, t)) {
                    try {
                        store.list(
                                o -> {
                                    throw new Enough();
                                });
                    } catch (Enough found) {
                        // it answers, and holds something
                    }
                } catch (IOException | RuntimeException e) {
                    throw new CatalogException(
                            who
                                    + ": target "
                                    + t
                                    + " cannot be listed: "
                                    + CrawlerSession.describe(e)
                                    + ". Check the bucket and prefix, the endpoint (--s3-endpoint)"
                                    + " and the credentials; --no-check stores the crawler"
                                    + " anyway");
                }
            }
        }
    }

    /** Targets as shown: JDBC URLs without secrets. */
    public static List<String> shown(CrawlerDefinition d) {
        return d.targets().stream().map(JdbcCrawler::redact).toList();
    }
}
