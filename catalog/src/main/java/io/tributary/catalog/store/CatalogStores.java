package io.tributary.catalog.store;

import java.nio.file.Path;
import java.util.Properties;

/**
 * Opens the catalog store a setting names: a JDBC URL of PostgreSQL ({@code
 * jdbc:postgresql://host/db}), or a folder for the embedded store (H2 files; several processes of
 * one user may share it: the first serves the others over loopback).
 */
public final class CatalogStores {

    private CatalogStores() {}

    /** The embedded store in {@code dir} ({@code $TRIBUTARY_HOME/catalog} by default). */
    public static CatalogStore embedded(Path dir) {
        return new JdbcCatalogStore(embeddedUrl(dir), new Properties(), "embedded store in " + dir);
    }

    /** The JDBC URL of the embedded store in {@code dir}, which other processes open too. */
    public static String embeddedUrl(Path dir) {
        // H2's automatic server, used when a second process opens the same files, binds here
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        // WRITE_DELAY=0: a commit reaches the file before it returns. H2's default (500 ms)
        // loses the last commits of a process that is killed: an Iceberg commit the writer saw
        // succeed, then missing from the store, and a job that cannot resume (its committer
        // looks for manifests it already deleted). A kill -9 then loses nothing; a power loss
        // can, as H2 does not sync the disk: a deployment keeps its catalog in PostgreSQL.
        // retry: a thread interrupted in a read or write (Flink cancels a task so, and the lake's
        // committer calls the store from its task) closes the file channel under it. H2 then
        // closed the database for the whole process and left a lock file no one could reopen
        // ("Lock file recently modified"); the retry file system reopens the channel instead.
        return "jdbc:h2:file:retry:"
                + dir.toAbsolutePath().resolve("catalog")
                + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
    }

    /** The JDBC URL of the store {@code spec} names (see {@link #open}). */
    public static String jdbcUrl(String spec) {
        return spec.startsWith("jdbc:") ? spec : embeddedUrl(Path.of(spec));
    }

    /**
     * A store on a database reached by JDBC; {@code user} and {@code password} may be null (then
     * the URL or the driver's defaults decide).
     */
    public static CatalogStore jdbc(String url, String user, String password) {
        return jdbc(url, user, password, true);
    }

    private static CatalogStore jdbc(String url, String user, String password, boolean hold) {
        if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
            throw new CatalogException(
                    "A catalog store needs PostgreSQL (jdbc:postgresql://...) or H2; got "
                            + url.replaceAll("\\?.*", ""));
        }
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return new JdbcCatalogStore(url, props, url.replaceAll("\\?.*", ""), hold);
    }

    /**
     * A store named by {@code spec}: a {@code jdbc:} URL, or else a folder for the embedded one.
     */
    public static CatalogStore open(String spec, String user, String password) {
        return spec.startsWith("jdbc:") ? jdbc(spec, user, password) : embedded(Path.of(spec));
    }

    /**
     * A store named by {@code spec} that holds no connection between calls: each call connects and
     * disconnects. For owners that may never close it: Iceberg's Flink operators open table loaders
     * they do not all close, and a held connection would stay open after every job attempt (piling
     * up on PostgreSQL, keeping an embedded store open).
     */
    public static CatalogStore openPerCall(String spec, String user, String password) {
        if (spec.startsWith("jdbc:")) {
            return jdbc(spec, user, password, false);
        }
        return new JdbcCatalogStore(
                embeddedUrl(Path.of(spec)), new Properties(), "embedded store in " + spec, false);
    }
}
