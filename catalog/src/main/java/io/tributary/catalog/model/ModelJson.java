package io.tributary.catalog.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.model.DataType.ArrayOf;
import io.tributary.catalog.model.DataType.Decimal;
import io.tributary.catalog.model.DataType.Field;
import io.tributary.catalog.model.DataType.Kind;
import io.tributary.catalog.model.DataType.MapOf;
import io.tributary.catalog.model.DataType.Primitive;
import io.tributary.catalog.model.DataType.Struct;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one JSON form of the catalog model: what the stores persist and what {@code --json} prints.
 * Types are trees ({@code {"type":"struct","fields":[...]}}), never strings to re-parse, so any
 * field name survives.
 */
public final class ModelJson {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelJson() {}

    public static ObjectNode type(DataType t) {
        ObjectNode n = MAPPER.createObjectNode();
        if (t instanceof Primitive p) {
            n.put("type", p.kind().name().toLowerCase(Locale.ROOT));
        } else if (t instanceof Decimal d) {
            n.put("type", "decimal");
            n.put("precision", d.precision());
            n.put("scale", d.scale());
        } else if (t instanceof ArrayOf a) {
            n.put("type", "array");
            n.set("element", type(a.element()));
        } else if (t instanceof MapOf m) {
            n.put("type", "map");
            n.set("key", type(m.key()));
            n.set("value", type(m.value()));
        } else {
            n.put("type", "struct");
            ArrayNode fields = n.putArray("fields");
            for (Field f : ((Struct) t).fields()) {
                ObjectNode fn = fields.addObject();
                fn.put("name", f.name());
                fn.set("type", type(f.type()));
            }
        }
        n.put("nullable", t.nullable());
        return n;
    }

    public static DataType type(JsonNode n) {
        boolean nullable = n.path("nullable").asBoolean(true);
        String kind = n.path("type").asText();
        return switch (kind) {
            case "decimal" ->
                    new Decimal(n.get("precision").asInt(), n.get("scale").asInt(), nullable);
            case "array" -> new ArrayOf(type(n.get("element")), nullable);
            case "map" -> new MapOf(type(n.get("key")), type(n.get("value")), nullable);
            case "struct" -> {
                List<Field> fields = new ArrayList<>();
                for (JsonNode f : n.path("fields")) {
                    fields.add(new Field(f.get("name").asText(), type(f.get("type"))));
                }
                yield new Struct(fields, nullable);
            }
            default -> {
                try {
                    yield new Primitive(Kind.valueOf(kind.toUpperCase(Locale.ROOT)), nullable);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("Unknown type '" + kind + "' in " + n, e);
                }
            }
        };
    }

    public static ObjectNode column(Column c) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("name", c.name());
        n.put("type", c.type().sql());
        n.put("nullable", c.nullable());
        n.set("dataType", type(c.type()));
        if (c.comment() != null) {
            n.put("comment", c.comment());
        }
        if (!c.typesSeen().isEmpty()) {
            ArrayNode seen = n.putArray("typesSeen");
            c.typesSeen().forEach(seen::add);
        }
        return n;
    }

    public static Column column(JsonNode n) {
        List<String> seen = new ArrayList<>();
        n.path("typesSeen").forEach(s -> seen.add(s.asText()));
        return new Column(
                n.get("name").asText(),
                type(n.get("dataType")),
                n.hasNonNull("comment") ? n.get("comment").asText() : null,
                seen);
    }

    public static ObjectNode database(CatalogDatabase d) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("name", d.name());
        if (d.description() != null) {
            n.put("description", d.description());
        }
        n.set("properties", map(d.properties()));
        return n;
    }

    public static CatalogDatabase database(JsonNode n) {
        return new CatalogDatabase(
                n.get("name").asText(),
                n.hasNonNull("description") ? n.get("description").asText() : null,
                map(n.path("properties")));
    }

    public static ObjectNode table(CatalogTable t) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("database", t.database());
        n.put("name", t.name());
        n.put("location", t.location());
        n.put("format", t.format().id());
        n.set("formatOptions", map(t.formatOptions()));
        ArrayNode cols = n.putArray("columns");
        t.columns().forEach(c -> cols.add(column(c)));
        ArrayNode keys = n.putArray("partitionKeys");
        t.partitionKeys().forEach(c -> keys.add(column(c)));
        ArrayNode pk = n.putArray("primaryKey");
        t.primaryKey().forEach(pk::add);
        n.set("properties", map(t.properties()));
        n.put("schemaVersion", t.schemaVersion());
        if (t.updatedAt() != null) {
            n.put("updatedAt", t.updatedAt().toString());
        }
        return n;
    }

    public static CatalogTable table(JsonNode n) {
        List<Column> cols = new ArrayList<>();
        n.path("columns").forEach(c -> cols.add(column(c)));
        List<Column> keys = new ArrayList<>();
        n.path("partitionKeys").forEach(c -> keys.add(column(c)));
        List<String> pk = new ArrayList<>();
        n.path("primaryKey").forEach(c -> pk.add(c.asText()));
        return new CatalogTable(
                n.get("database").asText(),
                n.get("name").asText(),
                n.path("location").asText(null),
                TableFormat.of(n.get("format").asText()),
                map(n.path("formatOptions")),
                cols,
                keys,
                pk,
                map(n.path("properties")),
                n.path("schemaVersion").asInt(0),
                n.hasNonNull("updatedAt") ? Instant.parse(n.get("updatedAt").asText()) : null);
    }

    public static ObjectNode partition(Partition p) {
        ObjectNode n = MAPPER.createObjectNode();
        ArrayNode values = n.putArray("values");
        p.values().forEach(values::add);
        n.put("location", p.location());
        n.put("fileCount", p.fileCount());
        n.put("bytes", p.bytes());
        if (p.lastModified() != null) {
            n.put("lastModified", p.lastModified().toString());
        }
        if (p.lastSeen() != null) {
            n.put("lastSeen", p.lastSeen().toString());
        }
        n.put("deprecated", p.deprecated());
        return n;
    }

    public static Partition partition(JsonNode n) {
        List<String> values = new ArrayList<>();
        n.path("values").forEach(v -> values.add(v.asText()));
        return new Partition(
                values,
                n.get("location").asText(),
                n.path("fileCount").asLong(),
                n.path("bytes").asLong(),
                n.hasNonNull("lastModified") ? Instant.parse(n.get("lastModified").asText()) : null,
                n.hasNonNull("lastSeen") ? Instant.parse(n.get("lastSeen").asText()) : null,
                n.path("deprecated").asBoolean(false));
    }

    public static ObjectNode crawler(CrawlerDefinition d) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("name", d.name());
        strings(n.putArray("targets"), d.targets());
        n.put("database", d.database());
        if (d.schedule() != null) {
            n.put("scheduleMs", d.schedule().toMillis());
        }
        n.put("schedule", d.scheduleText());
        strings(n.putArray("excludes"), d.excludes());
        n.put("schemaChange", d.schemaChange());
        n.put("onDelete", d.onDelete());
        n.put("recrawl", d.recrawl());
        n.put("tableThreshold", d.tableThreshold());
        n.put("jsonPath", d.jsonPath());
        n.put("jdbcUser", d.jdbcUser());
        n.put("jdbcPassword", d.jdbcPassword());
        n.put("jdbcSchema", d.jdbcSchema());
        n.put("jdbcTables", d.jdbcTables());
        n.put("s3Endpoint", d.s3Endpoint());
        n.put("stopped", d.stopped());
        n.put("created", d.created().toString());
        n.put("updated", d.updated().toString());
        return n;
    }

    public static CrawlerDefinition crawler(JsonNode n) {
        return new CrawlerDefinition(
                n.get("name").asText(),
                strings(n.path("targets")),
                n.get("database").asText(),
                n.hasNonNull("scheduleMs")
                        ? java.time.Duration.ofMillis(n.get("scheduleMs").asLong())
                        : null,
                strings(n.path("excludes")),
                n.path("schemaChange").asText(null),
                n.path("onDelete").asText(null),
                n.path("recrawl").asText(null),
                n.path("tableThreshold").asInt(0),
                n.path("jsonPath").asText(null),
                n.path("jdbcUser").asText(null),
                n.path("jdbcPassword").asText(null),
                n.path("jdbcSchema").asText(null),
                n.path("jdbcTables").asText(null),
                n.path("s3Endpoint").asText(null),
                n.path("stopped").asBoolean(false),
                Instant.parse(n.get("created").asText()),
                Instant.parse(n.get("updated").asText()));
    }

    public static ObjectNode crawlerRun(CrawlerRun r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("crawler", r.crawler());
        n.put("id", r.id());
        n.put("started", r.started().toString());
        if (r.ended() != null) {
            n.put("ended", r.ended().toString());
            n.put("tookMs", r.took().toMillis());
        }
        n.put("state", r.state());
        n.put("trigger", r.trigger());
        n.put("filesListed", r.filesListed());
        n.put("filesSampled", r.filesSampled());
        strings(n.putArray("tablesCreated"), r.tablesCreated());
        strings(n.putArray("tablesUpdated"), r.tablesUpdated());
        strings(n.putArray("tablesDeprecated"), r.tablesDeprecated());
        strings(n.putArray("tablesDeleted"), r.tablesDeleted());
        n.put("partitionsAdded", r.partitionsAdded());
        n.put("partitionsUpdated", r.partitionsUpdated());
        n.put("partitionsRemoved", r.partitionsRemoved());
        n.put("versionsRegistered", r.versionsRegistered());
        strings(n.putArray("errors"), r.errors());
        return n;
    }

    public static CrawlerRun crawlerRun(JsonNode n) {
        return new CrawlerRun(
                n.get("crawler").asText(),
                n.get("id").asText(),
                Instant.parse(n.get("started").asText()),
                n.hasNonNull("ended") ? Instant.parse(n.get("ended").asText()) : null,
                n.path("state").asText(null),
                n.path("trigger").asText(null),
                n.path("filesListed").asLong(),
                n.path("filesSampled").asLong(),
                strings(n.path("tablesCreated")),
                strings(n.path("tablesUpdated")),
                strings(n.path("tablesDeprecated")),
                strings(n.path("tablesDeleted")),
                n.path("partitionsAdded").asLong(),
                n.path("partitionsUpdated").asLong(),
                n.path("partitionsRemoved").asLong(),
                n.path("versionsRegistered").asInt(),
                strings(n.path("errors")));
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static ObjectNode map(Map<String, String> m) {
        ObjectNode n = MAPPER.createObjectNode();
        m.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> n.put(e.getKey(), e.getValue()));
        return n;
    }

    private static Map<String, String> map(JsonNode n) {
        Map<String, String> m = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
