package io.tributary.jobs.definition;

import io.tributary.connectors.yaml.EndpointVocabulary;
import io.tributary.connectors.yaml.EndpointVocabulary.Role;
import io.tributary.connectors.yaml.YamlBlock;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;

/**
 * The sources and sinks of a pipeline file: the keys every source or sink has (name, type, columns,
 * keys, options) are read here; the rest of a block is handed to its type's connector ({@link
 * EndpointVocabulary}), which checks its own keys and turns them into table options.
 */
final class EndpointParser {

    private static final Pattern SQL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    static final Set<String> SOURCE_COMMON =
            Set.of("name", "type", "columns", "primary-key", "options");
    static final Set<String> SINK_COMMON =
            Set.of("name", "type", "from", "keys", "options", "quality", "pii");

    /** The block's list-valued keys, kept as lists in the definition rather than settings. */
    private static final Set<String> LISTS = Set.of("partition-keys");

    private EndpointParser() {}

    static SourceDef source(YamlNode n, SettingsDef settings, Map<String, Position> names) {
        String name = n.required("name");
        Map<String, EndpointVocabulary> types = Vocabularies.of(Role.SOURCE);
        String type = n.oneOf("type", null, types.keySet().toArray(String[]::new));
        if (type == null) {
            throw new PipelineException(
                    n.keyAt("type"), "is required: " + Vocabularies.listed(Role.SOURCE));
        }
        EndpointVocabulary vocabulary = types.get(type);
        Set<String> allowed = new HashSet<>(SOURCE_COMMON);
        allowed.addAll(vocabulary.keys());
        n.onlyKeys(allowed);
        PipelineParser.declare(n, name, names);
        Map<String, String> columns = columns(n);
        List<String> primaryKey = n.strings("primary-key");
        if (vocabulary.needsColumns() && columns.isEmpty()) {
            throw new PipelineException(
                    n.keyAt("columns"),
                    "is required for a "
                            + type
                            + " source (name: TYPE per line), or crawl it and declare type: catalog");
        }
        Map<String, String> own =
                settings(
                        n,
                        vocabulary,
                        block(
                                n,
                                name,
                                columns,
                                primaryKey,
                                Map.of("bad-records", settings.badRecords())));
        for (String k : primaryKey) {
            if (!columns.isEmpty() && !columns.containsKey(k)) {
                throw new PipelineException(
                        n.keyAt("primary-key"), "'" + k + "' is not one of the columns");
            }
        }
        return new SourceDef(
                name,
                type,
                vocabulary,
                Map.copyOf(own),
                columns,
                List.copyOf(n.strings("partition-keys")),
                List.copyOf(primaryKey),
                Map.copyOf(n.stringMap("options")),
                n.at());
    }

    static SinkDef sink(YamlNode n, Map<String, Position> names, String settingsEvolution) {
        String name = n.required("name");
        Map<String, EndpointVocabulary> types = Vocabularies.of(Role.SINK);
        String type = n.oneOf("type", null, types.keySet().toArray(String[]::new));
        if (type == null) {
            throw new PipelineException(
                    n.keyAt("type"), "is required: " + Vocabularies.listed(Role.SINK));
        }
        EndpointVocabulary vocabulary = types.get(type);
        Set<String> allowed = new HashSet<>(SINK_COMMON);
        allowed.addAll(vocabulary.keys());
        n.onlyKeys(allowed);
        String from = n.required("from");
        if (!names.containsKey(from.toLowerCase(Locale.ROOT))) {
            throw new PipelineException(
                    n.keyAt("from"),
                    "'" + from + "' is not a source or transform of this pipeline");
        }
        if (!SQL_NAME.matcher(name).matches()) {
            throw new PipelineException(
                    n.keyAt("name"),
                    "'" + name + "' is not a usable name (letters, digits and '_')");
        }
        List<String> keys = n.strings("keys");
        Map<String, String> own =
                settings(
                        n,
                        vocabulary,
                        block(
                                n,
                                name,
                                Map.of(),
                                keys,
                                settingsEvolution == null
                                        ? Map.of()
                                        : Map.of("schema-evolution", settingsEvolution)));
        return new SinkDef(
                name,
                type,
                vocabulary,
                from,
                Map.copyOf(own),
                List.copyOf(keys),
                Map.copyOf(n.stringMap("options")),
                n.at(),
                GuardParser.quality(n),
                GuardParser.pii(n));
    }

    /** The block's own keys' values, checked by its connector, with what the check resolved. */
    private static Map<String, String> settings(
            YamlNode n, EndpointVocabulary vocabulary, YamlBlock block) {
        Map<String, String> own = new LinkedHashMap<>();
        for (String k : vocabulary.keys()) {
            if (!LISTS.contains(k) && !vocabulary.listKeys().contains(k)) {
                n.string(k).ifPresent(v -> own.put(k, v));
            }
        }
        own.putAll(vocabulary.check(block));
        return own;
    }

    /** A YAML block as a connector sees it: values, and errors at their lines. */
    private static YamlBlock block(
            YamlNode n,
            String name,
            Map<String, String> columns,
            List<String> keys,
            Map<String, String> pipelineDefaults) {
        return new YamlBlock() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<String> string(String key) {
                return n.string(key);
            }

            @Override
            public String required(String key) {
                return n.required(key);
            }

            @Override
            public String oneOf(String key, String defaultValue, String... allowed) {
                return n.oneOf(key, defaultValue, allowed);
            }

            @Override
            public void duration(String key) {
                n.duration(key, null);
            }

            @Override
            public List<String> strings(String key) {
                return n.strings(key);
            }

            @Override
            public List<String> columns() {
                return List.copyOf(columns.keySet());
            }

            @Override
            public List<String> keys() {
                return keys;
            }

            @Override
            public Optional<String> pipelineDefault(String key) {
                return Optional.ofNullable(pipelineDefaults.get(key));
            }

            @Override
            public RuntimeException error(String key, String message) {
                return new PipelineException(n.keyAt(key), message);
            }
        };
    }

    private static Map<String, String> columns(YamlNode n) {
        Map<String, String> columns = n.stringMap("columns");
        if (!columns.isEmpty()) {
            YamlNode c = n.map("columns").orElseThrow();
            for (Map.Entry<String, String> e : columns.entrySet()) {
                checkType(c.keyAt(e.getKey()), e.getValue());
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    static void checkType(Position at, String type) {
        try {
            LogicalTypeParser.parse(type, PipelineParser.class.getClassLoader());
        } catch (RuntimeException e) {
            throw new PipelineException(
                    at,
                    "'"
                            + type
                            + "' is not a Flink SQL type (e.g. BIGINT, STRING, DECIMAL(10, 2), TIMESTAMP(3))");
        }
    }
}
