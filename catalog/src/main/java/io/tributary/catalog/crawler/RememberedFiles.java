package io.tributary.catalog.crawler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.model.DataType;
import io.tributary.catalog.model.ModelJson;
import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.store.CrawlerStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a defined crawler's files said, kept in the catalog store: a restarted crawler reads it back
 * and samples only the files that are new or changed since, instead of every file again. One
 * document per file: its size and modification time (how a change is told), and the schema its
 * sample gave.
 */
final class RememberedFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RememberedFiles.class);

    /** A file as last seen, and what it said. */
    record Seen(long size, Instant modified, FileSchema schema) {}

    private final CrawlerStore store;
    private final String crawler;
    private final String target;

    RememberedFiles(CrawlerStore store, String crawler, String target) {
        this.store = store;
        this.crawler = crawler;
        this.target = target;
    }

    /** Every remembered file; an entry that does not parse is left out (it is sampled again). */
    Map<String, Seen> load() {
        Map<String, Seen> out = new HashMap<>();
        int unreadable = 0;
        for (Map.Entry<String, String> e : store.crawlerFiles(crawler, target).entrySet()) {
            try {
                out.put(e.getKey(), decode(ModelJson.MAPPER.readTree(e.getValue())));
            } catch (JsonProcessingException | RuntimeException bad) {
                unreadable++;
            }
        }
        if (unreadable > 0) {
            LOG.warn(
                    "Crawler {}: {} remembered file(s) of {} were unreadable and are sampled again",
                    crawler,
                    unreadable,
                    target);
        }
        return out;
    }

    void save(Map<String, Seen> changed, Set<String> removed) {
        Map<String, String> docs = new LinkedHashMap<>();
        changed.forEach((k, v) -> docs.put(k, encode(v).toString()));
        store.updateCrawlerFiles(crawler, target, docs, removed);
    }

    static ObjectNode encode(Seen s) {
        ObjectNode n = ModelJson.MAPPER.createObjectNode();
        n.put("size", s.size());
        if (s.modified() != null) {
            n.put("modified", s.modified().toString());
        }
        FileSchema f = s.schema();
        if (f.format() != null) {
            n.put("format", f.format().id());
        }
        ObjectNode options = n.putObject("options");
        f.options().forEach(options::put);
        if (f.row() != null) {
            n.set("row", ModelJson.type(f.row()));
        }
        n.put("records", f.recordsSampled());
        if (f.problem() != null) {
            n.put("problem", f.problem());
        }
        if (!f.pii().isEmpty()) {
            n.set("pii", f.pii().toJson());
        }
        ObjectNode seen = n.putObject("typesSeen");
        f.typesSeen()
                .forEach(
                        (c, types) -> {
                            var a = seen.putArray(c);
                            types.forEach(a::add);
                        });
        return n;
    }

    static Seen decode(JsonNode n) {
        Map<String, String> options = new LinkedHashMap<>();
        n.path("options")
                .fields()
                .forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
        Map<String, Set<String>> seen = new LinkedHashMap<>();
        n.path("typesSeen")
                .fields()
                .forEachRemaining(
                        e -> {
                            Set<String> types = new TreeSet<>();
                            e.getValue().forEach(t -> types.add(t.asText()));
                            seen.put(e.getKey(), types);
                        });
        FileSchema schema =
                new FileSchema(
                        n.hasNonNull("format") ? TableFormat.of(n.get("format").asText()) : null,
                        options,
                        n.hasNonNull("row") ? (DataType.Struct) ModelJson.type(n.get("row")) : null,
                        n.path("records").asLong(),
                        n.hasNonNull("problem") ? n.get("problem").asText() : null,
                        seen,
                        io.tributary.catalog.pii.PiiCounts.fromJson(n.get("pii")));
        return new Seen(
                n.path("size").asLong(),
                n.hasNonNull("modified") ? Instant.parse(n.get("modified").asText()) : null,
                schema);
    }
}
