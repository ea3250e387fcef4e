package io.tributary.jobs.definition;

import io.tributary.jobs.definition.SettingsDef.RestartDef;
import io.tributary.jobs.definition.TransformDef.MappingDef;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a pipeline file (YAML, format version 1) into a checked {@link PipelineDef}: every key is
 * known, every required key present, every name unique, every {@code from} refers to an earlier
 * source or transform, every column type is a Flink SQL type, and {@code ${variables}} are
 * resolved. Any problem is a {@link PipelineException} naming the file, line and key.
 */
public final class PipelineParser {

    private static final Pattern PIPELINE_NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,99}");
    private static final Pattern SQL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private static final Set<String> TOP =
            Set.of("version", "name", "description", "settings", "sources", "transforms", "sinks");
    private static final Set<String> SETTINGS =
            Set.of(
                    "parallelism",
                    "checkpoint-interval",
                    "checkpoints",
                    "restart",
                    "timeout",
                    "bad-records",
                    "schema-evolution",
                    "state-ttl",
                    "state-backend",
                    "flink");
    private static final Set<String> RESTART = Set.of("strategy", "attempts", "delay");
    private static final Set<String> TRANSFORM =
            Set.of(
                    "name",
                    "sql",
                    "from",
                    "mappings",
                    "resolve-choice",
                    "filter",
                    "quality",
                    "pii",
                    "join-state");
    private static final Set<String> MAPPING = Set.of("source", "target", "type");
    private final Function<String, Optional<String>> variables;

    /** A parser resolving {@code ${name}} with {@code variables} (empty: undefined). */
    public PipelineParser(Function<String, Optional<String>> variables) {
        this.variables = variables;
    }

    public PipelineDef parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PipelineException(
                    file.toString(), 0, "", "cannot be read: " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    public PipelineDef parse(String file, String text) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // reported by YamlNode, with the line
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new PipelineException(file, line, "", "is not valid YAML: " + e.getProblem(), e);
        } catch (RuntimeException e) {
            throw new PipelineException(file, 0, "", "is not valid YAML: " + e.getMessage(), e);
        }
        if (root == null) {
            throw new PipelineException(
                    file, 0, "", "is empty; a pipeline needs name, sources and sinks");
        }
        YamlNode top = new YamlNode(root, new Position(file, YamlNode.line(root), ""), variables);
        top.onlyKeys(TOP);
        int version = top.integer("version", -1, 1);
        if (version == -1) {
            throw new PipelineException(top.keyAt("version"), "is required (version: 1)");
        }
        if (version != PipelineDef.FORMAT_VERSION) {
            throw new PipelineException(
                    top.keyAt("version"),
                    "format version "
                            + version
                            + " is not known to this Tributary (it reads version "
                            + PipelineDef.FORMAT_VERSION
                            + ")");
        }
        String name = top.required("name");
        if (!PIPELINE_NAME.matcher(name).matches()) {
            throw new PipelineException(
                    top.keyAt("name"),
                    "'"
                            + name
                            + "' is not a pipeline name (lower-case letters, digits, '.', '_' and"
                            + " '-', starting with a letter or digit)");
        }
        SettingsDef settings = settings(top);
        Map<String, Position> names = new HashMap<>();
        List<SourceDef> sources = new ArrayList<>();
        if (!top.has("sources")) {
            throw new PipelineException(
                    top.keyAt("sources"), "is required: a pipeline reads at least one source");
        }
        for (YamlNode s : top.maps("sources")) {
            sources.add(EndpointParser.source(s, settings, names));
        }
        if (sources.isEmpty()) {
            throw new PipelineException(
                    top.keyAt("sources"), "is empty: a pipeline reads at least one source");
        }
        List<TransformDef> transforms = new ArrayList<>();
        for (YamlNode t : top.maps("transforms")) {
            transforms.add(transform(t, names));
        }
        if (!top.has("sinks")) {
            throw new PipelineException(
                    top.keyAt("sinks"), "is required: a pipeline writes at least one sink");
        }
        List<SinkDef> sinks = new ArrayList<>();
        for (YamlNode s : top.maps("sinks")) {
            sinks.add(EndpointParser.sink(s, names, settings.schemaEvolution()));
        }
        if (sinks.isEmpty()) {
            throw new PipelineException(
                    top.keyAt("sinks"), "is empty: a pipeline writes at least one sink");
        }
        return new PipelineDef(
                file,
                version,
                name,
                top.string("description").orElse(""),
                settings,
                List.copyOf(sources),
                List.copyOf(transforms),
                List.copyOf(sinks));
    }

    private SettingsDef settings(YamlNode top) {
        Optional<YamlNode> maybe = top.map("settings");
        if (maybe.isEmpty()) {
            return new SettingsDef(
                    1,
                    Duration.ofSeconds(10),
                    null,
                    new RestartDef("fixed-delay", 3, Duration.ofSeconds(10)),
                    null,
                    "quarantine",
                    "evolve",
                    null,
                    null,
                    Map.of());
        }
        YamlNode s = maybe.get();
        s.onlyKeys(SETTINGS);
        RestartDef restart = new RestartDef("fixed-delay", 3, Duration.ofSeconds(10));
        Optional<YamlNode> r = s.map("restart");
        if (r.isPresent()) {
            r.get().onlyKeys(RESTART);
            String strategy =
                    r.get()
                            .oneOf(
                                    "strategy",
                                    "fixed-delay",
                                    "none",
                                    "fixed-delay",
                                    "exponential-delay");
            restart =
                    new RestartDef(
                            strategy,
                            r.get().integer("attempts", 3, 0),
                            r.get().duration("delay", Duration.ofSeconds(10)));
        }
        Duration interval = s.duration("checkpoint-interval", Duration.ofSeconds(10));
        if (interval.toMillis() < 10) {
            throw new PipelineException(s.keyAt("checkpoint-interval"), "must be at least 10 ms");
        }
        Duration timeout = s.duration("timeout", null);
        return new SettingsDef(
                s.integer("parallelism", 1, 1),
                interval,
                s.string("checkpoints").orElse(null),
                restart,
                timeout,
                s.oneOf("bad-records", "quarantine", "quarantine", "fail", "skip-and-count"),
                s.oneOf("schema-evolution", "evolve", "evolve", "fail"),
                s.duration("state-ttl", null),
                s.oneOf("state-backend", null, "heap", "rocksdb"),
                Map.copyOf(s.stringMap("flink")));
    }

    static void declare(YamlNode n, String name, Map<String, Position> names) {
        if (!SQL_NAME.matcher(name).matches()) {
            throw new PipelineException(
                    n.keyAt("name"),
                    "'"
                            + name
                            + "' is not a usable name (letters, digits and '_', not starting with a"
                            + " digit): SQL refers to it");
        }
        Position earlier = names.putIfAbsent(name.toLowerCase(Locale.ROOT), n.at());
        if (earlier != null) {
            throw new PipelineException(
                    n.keyAt("name"),
                    "'"
                            + name
                            + "' is already the name of "
                            + earlier.key()
                            + " (line "
                            + earlier.line()
                            + ")");
        }
    }

    private TransformDef transform(YamlNode n, Map<String, Position> names) {
        n.onlyKeys(TRANSFORM);
        String name = n.required("name");
        String sql = n.string("sql").orElse(null);
        String from = n.string("from").orElse(null);
        if (sql == null && from == null) {
            throw new PipelineException(
                    n.keyAt("sql"),
                    "a transform needs sql (a query) or from (with mappings, resolve-choice or filter)");
        }
        if (sql != null && from != null) {
            throw new PipelineException(
                    n.keyAt("from"),
                    "give either sql or from with mappings, not both (a query names its own inputs)");
        }
        if (from != null && !names.containsKey(from.toLowerCase(Locale.ROOT))) {
            throw new PipelineException(
                    n.keyAt("from"), "'" + from + "' is not a source or an earlier transform");
        }
        List<MappingDef> mappings = new ArrayList<>();
        for (YamlNode m : n.maps("mappings")) {
            m.onlyKeys(MAPPING);
            String source = m.required("source");
            String target = m.string("target").orElse(source);
            String type = m.string("type").orElse(null);
            if (type != null) {
                EndpointParser.checkType(m.keyAt("type"), type);
            }
            mappings.add(new MappingDef(source, target, type));
        }
        Map<String, String> resolveChoice = n.stringMap("resolve-choice");
        if (!resolveChoice.isEmpty()) {
            YamlNode rc = n.map("resolve-choice").orElseThrow();
            resolveChoice.forEach((k, v) -> EndpointParser.checkType(rc.keyAt(k), v));
        }
        if (sql != null && (!mappings.isEmpty() || !resolveChoice.isEmpty() || n.has("filter"))) {
            throw new PipelineException(
                    n.keyAt("sql"),
                    "mappings, resolve-choice and filter go with from, not with sql");
        }
        String joinState =
                n.string("join-state").orElse(TransformDef.FULL).toLowerCase(Locale.ROOT);
        if (!joinState.equals(TransformDef.FULL) && !joinState.equals(TransformDef.DIMENSION)) {
            throw new PipelineException(
                    n.keyAt("join-state"),
                    "join-state is full (Flink's join: both sides kept) or dimension (only the"
                            + " joined table's rows kept; see docs/pipelines.md), not '"
                            + joinState
                            + "'");
        }
        if (joinState.equals(TransformDef.DIMENSION) && sql == null) {
            throw new PipelineException(
                    n.keyAt("join-state"), "join-state goes with sql: a query with a JOIN");
        }
        declare(n, name, names);
        return new TransformDef(
                name,
                sql,
                from,
                List.copyOf(mappings),
                Collections.unmodifiableMap(new LinkedHashMap<>(resolveChoice)),
                n.string("filter").orElse(null),
                n.at(),
                n.valueLine("sql"),
                n.keyAt("filter"),
                GuardParser.quality(n),
                GuardParser.pii(n),
                joinState,
                n.keyAt("join-state"));
    }
}
