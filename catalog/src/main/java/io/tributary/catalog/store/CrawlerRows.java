package io.tributary.catalog.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tributary.catalog.model.CrawlerDefinition;
import io.tributary.catalog.model.CrawlerRun;
import io.tributary.catalog.model.ModelJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The crawlers' rows: definitions with their lease in {@code tributary_crawlers}, the run history
 * in {@code tributary_crawler_runs} (the newest {@value #RUNS_KEPT} per crawler), and what each
 * file said in {@code tributary_crawler_files}, keyed by hashes so any key length fits an index.
 */
final class CrawlerRows {

    static final int RUNS_KEPT = 1000;

    private CrawlerRows() {}

    static void create(Statement s, String text) throws SQLException {
        s.execute(
                "CREATE TABLE IF NOT EXISTS tributary_crawlers (name VARCHAR(1024) PRIMARY KEY,"
                        + " doc "
                        + text
                        + " NOT NULL, holder VARCHAR(256), lease_until_ms BIGINT, last_pass_ms"
                        + " BIGINT)");
        s.execute(
                "CREATE TABLE IF NOT EXISTS tributary_crawler_runs (crawler VARCHAR(1024) NOT NULL,"
                        + " id VARCHAR(200) NOT NULL, started_ms BIGINT NOT NULL, doc "
                        + text
                        + " NOT NULL, PRIMARY KEY (crawler, id))");
        s.execute(
                "CREATE TABLE IF NOT EXISTS tributary_crawler_files (crawler VARCHAR(1024) NOT"
                        + " NULL, target_hash VARCHAR(64) NOT NULL, key_hash VARCHAR(64) NOT NULL,"
                        + " file_key "
                        + text
                        + " NOT NULL, doc "
                        + text
                        + " NOT NULL, PRIMARY KEY (crawler, target_hash, key_hash))");
    }

    static Void insert(Connection c, CrawlerDefinition d) throws SQLException {
        if (find(c, d.name(), false).isPresent()) {
            throw new CatalogException(
                    "A crawler named '"
                            + d.name()
                            + "' exists already; pick another name or delete it first"
                            + " (tributary crawlers delete "
                            + d.name()
                            + ")");
        }
        try (PreparedStatement i =
                c.prepareStatement("INSERT INTO tributary_crawlers (name, doc) VALUES (?, ?)")) {
            i.setString(1, d.name());
            i.setString(2, ModelJson.crawler(d).toString());
            i.executeUpdate();
        }
        return null;
    }

    static Optional<CrawlerDefinition> find(Connection c, String name, boolean lock)
            throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement(
                        "SELECT doc FROM tributary_crawlers WHERE name = ?"
                                + (lock ? " FOR UPDATE" : ""))) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(parse(rs.getString(1))) : Optional.empty();
            }
        }
    }

    static List<CrawlerDefinition> all(Connection c) throws SQLException {
        List<CrawlerDefinition> out = new ArrayList<>();
        try (PreparedStatement q =
                        c.prepareStatement("SELECT doc FROM tributary_crawlers ORDER BY name");
                ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                out.add(parse(rs.getString(1)));
            }
        }
        return out;
    }

    static CrawlerDefinition update(
            Connection c, String name, UnaryOperator<CrawlerDefinition> change)
            throws SQLException {
        CrawlerDefinition stored =
                find(c, name, true)
                        .orElseThrow(
                                () ->
                                        new CatalogException(
                                                "No crawler named '"
                                                        + name
                                                        + "' (tributary crawlers list shows"
                                                        + " them)"));
        CrawlerDefinition next = change.apply(stored);
        if (!next.name().equals(name)) {
            throw new IllegalArgumentException("A crawler's name does not change");
        }
        try (PreparedStatement u =
                c.prepareStatement("UPDATE tributary_crawlers SET doc = ? WHERE name = ?")) {
            u.setString(1, ModelJson.crawler(next).toString());
            u.setString(2, name);
            u.executeUpdate();
        }
        return next;
    }

    static boolean drop(Connection c, String name) throws SQLException {
        for (String table : List.of("tributary_crawler_runs", "tributary_crawler_files")) {
            try (PreparedStatement d =
                    c.prepareStatement("DELETE FROM " + table + " WHERE crawler = ?")) {
                d.setString(1, name);
                d.executeUpdate();
            }
        }
        try (PreparedStatement d =
                c.prepareStatement("DELETE FROM tributary_crawlers WHERE name = ?")) {
            d.setString(1, name);
            return d.executeUpdate() > 0;
        }
    }

    static boolean lease(
            Connection c, String name, String holder, Duration duration, Instant lastPass)
            throws SQLException {
        long now = System.currentTimeMillis();
        try (PreparedStatement u =
                c.prepareStatement(
                        "UPDATE tributary_crawlers SET holder = ?, lease_until_ms = ?,"
                                + " last_pass_ms = COALESCE(?, last_pass_ms) WHERE name = ? AND"
                                + " (holder IS NULL OR holder = ? OR lease_until_ms < ?)")) {
            u.setString(1, holder);
            u.setLong(2, now + duration.toMillis());
            if (lastPass == null) {
                u.setNull(3, Types.BIGINT);
            } else {
                u.setLong(3, lastPass.toEpochMilli());
            }
            u.setString(4, name);
            u.setString(5, holder);
            u.setLong(6, now);
            return u.executeUpdate() > 0;
        }
    }

    static Void release(Connection c, String name, String holder) throws SQLException {
        try (PreparedStatement u =
                c.prepareStatement(
                        "UPDATE tributary_crawlers SET holder = NULL, lease_until_ms = NULL"
                                + " WHERE name = ? AND holder = ?")) {
            u.setString(1, name);
            u.setString(2, holder);
            u.executeUpdate();
        }
        return null;
    }

    static Optional<CrawlerStore.Lease> lease(Connection c, String name) throws SQLException {
        try (PreparedStatement q =
                c.prepareStatement(
                        "SELECT holder, lease_until_ms, last_pass_ms FROM tributary_crawlers"
                                + " WHERE name = ?")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String holder = rs.getString(1);
                long until = rs.getLong(2);
                boolean hasUntil = !rs.wasNull();
                long last = rs.getLong(3);
                boolean hasLast = !rs.wasNull();
                if (holder == null && !hasLast) {
                    return Optional.empty();
                }
                return Optional.of(
                        new CrawlerStore.Lease(
                                holder,
                                hasUntil ? Instant.ofEpochMilli(until) : null,
                                hasLast ? Instant.ofEpochMilli(last) : null));
            }
        }
    }

    static Void putRun(Connection c, CrawlerRun run) throws SQLException {
        try (PreparedStatement d =
                        c.prepareStatement(
                                "DELETE FROM tributary_crawler_runs WHERE crawler = ? AND id = ?");
                PreparedStatement i =
                        c.prepareStatement(
                                "INSERT INTO tributary_crawler_runs (crawler, id, started_ms, doc)"
                                        + " VALUES (?, ?, ?, ?)")) {
            d.setString(1, run.crawler());
            d.setString(2, run.id());
            d.executeUpdate();
            i.setString(1, run.crawler());
            i.setString(2, run.id());
            i.setLong(3, run.started().toEpochMilli());
            i.setString(4, ModelJson.crawlerRun(run).toString());
            i.executeUpdate();
        }
        // the history stays bounded however long a continuous crawler runs
        try (PreparedStatement d =
                c.prepareStatement(
                        "DELETE FROM tributary_crawler_runs WHERE crawler = ? AND started_ms <"
                                + " (SELECT MIN(started_ms) FROM (SELECT started_ms FROM"
                                + " tributary_crawler_runs WHERE crawler = ? ORDER BY started_ms"
                                + " DESC LIMIT "
                                + RUNS_KEPT
                                + ") newest)")) {
            d.setString(1, run.crawler());
            d.setString(2, run.crawler());
            d.executeUpdate();
        }
        return null;
    }

    static List<CrawlerRun> runs(Connection c, String name, int limit) throws SQLException {
        List<CrawlerRun> out = new ArrayList<>();
        try (PreparedStatement q =
                c.prepareStatement(
                        "SELECT doc FROM tributary_crawler_runs WHERE crawler = ? ORDER BY"
                                + " started_ms DESC, id DESC")) {
            q.setString(1, name);
            q.setMaxRows(Math.max(1, limit));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(ModelJson.crawlerRun(json(rs.getString(1))));
                }
            }
        }
        return out;
    }

    static Map<String, String> files(Connection c, String name, String target) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement q =
                c.prepareStatement(
                        "SELECT file_key, doc FROM tributary_crawler_files WHERE crawler = ? AND"
                                + " target_hash = ?")) {
            q.setString(1, name);
            q.setString(2, hash(target));
            q.setFetchSize(1000);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    static Void updateFiles(
            Connection c,
            String name,
            String target,
            Map<String, String> put,
            Collection<String> removed)
            throws SQLException {
        String targetHash = hash(target);
        try (PreparedStatement d =
                c.prepareStatement(
                        "DELETE FROM tributary_crawler_files WHERE crawler = ? AND target_hash = ?"
                                + " AND key_hash = ?")) {
            int n = 0;
            for (String key : concat(put.keySet(), removed)) {
                d.setString(1, name);
                d.setString(2, targetHash);
                d.setString(3, hash(key));
                d.addBatch();
                if (++n % 1000 == 0) {
                    d.executeBatch();
                }
            }
            if (n % 1000 != 0) {
                d.executeBatch();
            }
        }
        try (PreparedStatement i =
                c.prepareStatement(
                        "INSERT INTO tributary_crawler_files (crawler, target_hash, key_hash,"
                                + " file_key, doc) VALUES (?, ?, ?, ?, ?)")) {
            int n = 0;
            for (Map.Entry<String, String> e : put.entrySet()) {
                i.setString(1, name);
                i.setString(2, targetHash);
                i.setString(3, hash(e.getKey()));
                i.setString(4, e.getKey());
                i.setString(5, e.getValue());
                i.addBatch();
                if (++n % 1000 == 0) {
                    i.executeBatch();
                }
            }
            if (n % 1000 != 0) {
                i.executeBatch();
            }
        }
        return null;
    }

    private static List<String> concat(Collection<String> a, Collection<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static String hash(String s) {
        return JobDefinition.sha256(s);
    }

    private static CrawlerDefinition parse(String doc) {
        return ModelJson.crawler(json(doc));
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String doc) {
        try {
            return ModelJson.MAPPER.readTree(doc);
        } catch (JsonProcessingException e) {
            throw new CatalogException("A crawler entry is not valid JSON: " + e.getMessage(), e);
        }
    }
}
