package io.tributary.catalog;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where reads of catalog tables set bad records aside: a folder per table under one base, never
 * inside the data's own location (a query must not write into a bucket it only reads). The Flink
 * catalog and {@code tributary quarantine list <db>.<table>} both ask here.
 */
public final class Quarantines {

    private Quarantines() {}

    /**
     * The base folder (a URI): {@code configured} if given; else {@code quarantine/} beside an
     * embedded store's folder; else {@code $TRIBUTARY_HOME/quarantine} (default {@code
     * ./.tributary}).
     */
    public static String base(String configured, String store) {
        if (configured != null && !configured.isBlank()) {
            return configured.endsWith("/") ? configured : configured + "/";
        }
        Path dir;
        if (store != null && !store.isBlank() && !store.startsWith("jdbc:")) {
            Path s = Path.of(store).toAbsolutePath().normalize();
            dir = (s.getParent() == null ? s : s.getParent()).resolve("quarantine");
        } else {
            String home = System.getenv("TRIBUTARY_HOME");
            dir =
                    Path.of(home == null || home.isBlank() ? ".tributary" : home)
                            .toAbsolutePath()
                            .normalize()
                            .resolve("quarantine");
        }
        return dir.toUri().toString();
    }

    /** {@code <base>/<database>/<table>/}, the names escaped as path segments of a URI. */
    public static String forTable(String base, String database, String table) {
        String b = base.endsWith("/") ? base : base + "/";
        return b + segment(database) + "/" + segment(table) + "/";
    }

    private static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
