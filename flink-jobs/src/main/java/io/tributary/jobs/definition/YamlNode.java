package io.tributary.jobs.definition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.util.TimeUtils;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML mapping read key by key with its position kept, so every error names the file, line and
 * key path; unknown keys are errors (a misspelt key never silently means a default), and {@code
 * ${variable}} references in values are resolved on the way.
 */
final class YamlNode {

    /** {@code ${name}}, {@code ${name:-default}}, or {@code ${file:/path}} (a file's content). */
    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\{(?:file:([^}]+)|([A-Za-z0-9_.-]+)(:-([^}]*))?)}");

    private final Node node;
    private final Position at;
    private final Function<String, Optional<String>> variables;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    YamlNode(Node node, Position at, Function<String, Optional<String>> variables) {
        this.node = node;
        this.at = at;
        this.variables = variables;
        if (!(node instanceof MappingNode map)) {
            throw new PipelineException(
                    at, "expected a mapping of keys to values, found " + kind(node));
        }
        for (NodeTuple t : map.getValue()) {
            String k = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            if (k == null) {
                throw new PipelineException(
                        at.child("?", line(t.getKeyNode())), "keys must be plain names");
            }
            if (entries.put(k, t) != null) {
                throw new PipelineException(
                        at.child(k, line(t.getKeyNode())), "appears twice in the same mapping");
            }
        }
    }

    Position at() {
        return at;
    }

    static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    private static String kind(Node n) {
        if (n instanceof ScalarNode s) {
            return "the value '" + s.getValue() + "'";
        }
        return n instanceof SequenceNode ? "a list" : "a mapping";
    }

    /** Fails on the first key not in {@code allowed}, suggesting the nearest allowed one. */
    void onlyKeys(Set<String> allowed) {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                String nearest = nearest(e.getKey(), allowed);
                throw new PipelineException(
                        keyAt(e.getKey()),
                        "unknown key"
                                + (nearest != null ? " (did you mean '" + nearest + "'?)" : "")
                                + (e.getKey().matches(".*[()\\s].*")
                                        ? " (a value with a comma inside { } needs quotes:"
                                                + " \"DECIMAL(10, 2)\")"
                                        : "")
                                + "; allowed here: "
                                + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    Set<String> keys() {
        return entries.keySet();
    }

    /** The position of a key (its line), or of this mapping when the key is missing. */
    Position keyAt(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? at.child(key, at.line()) : at.child(key, line(t.getKeyNode()));
    }

    Position valueAt(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? keyAt(key) : at.child(key, line(t.getValueNode()));
    }

    Optional<String> string(String key) {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return Optional.empty();
        }
        if (!(t.getValueNode() instanceof ScalarNode s)) {
            throw new PipelineException(
                    keyAt(key), "expected a single value, found " + kind(t.getValueNode()));
        }
        return Optional.of(resolve(s.getValue(), keyAt(key)));
    }

    String required(String key) {
        return string(key)
                .filter(v -> !v.isBlank())
                .orElseThrow(() -> new PipelineException(keyAt(key), "is required here"));
    }

    String oneOf(String key, String defaultValue, String... allowed) {
        String v = string(key).orElse(defaultValue);
        if (v == null) {
            return null;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(lower)) {
                return a;
            }
        }
        throw new PipelineException(
                keyAt(key), "'" + v + "' is not one of " + String.join(", ", allowed));
    }

    int integer(String key, int defaultValue, int min) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            int i = Integer.parseInt(v.get().trim());
            if (i < min) {
                throw new PipelineException(keyAt(key), "must be at least " + min + ", was " + i);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new PipelineException(keyAt(key), "'" + v.get() + "' is not a whole number");
        }
    }

    Duration duration(String key, Duration defaultValue) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        String text = v.get().trim();
        try {
            return text.startsWith("P") || text.startsWith("p")
                    ? Duration.parse(text)
                    : TimeUtils.parseDuration(text);
        } catch (RuntimeException e) {
            throw new PipelineException(
                    keyAt(key),
                    "'" + text + "' is not a duration (e.g. 10 s, 500 ms, 5 min, PT1H)");
        }
    }

    /** A list of plain values; a single value counts as a list of one. */
    List<String> strings(String key) {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (t.getValueNode() instanceof ScalarNode s) {
            out.add(resolve(s.getValue(), keyAt(key)));
            return out;
        }
        if (!(t.getValueNode() instanceof SequenceNode seq)) {
            throw new PipelineException(keyAt(key), "expected a list of names");
        }
        for (Node n : seq.getValue()) {
            if (!(n instanceof ScalarNode s)) {
                throw new PipelineException(
                        at.child(key, line(n)), "expected a list of names, found " + kind(n));
            }
            out.add(resolve(s.getValue(), at.child(key, line(n))));
        }
        return out;
    }

    /** A mapping of names to plain values, in file order. */
    Map<String, String> stringMap(String key) {
        Optional<YamlNode> sub = map(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (sub.isEmpty()) {
            return out;
        }
        for (String k : sub.get().keys()) {
            out.put(k, sub.get().string(k).orElse(""));
        }
        return out;
    }

    Optional<YamlNode> map(String key) {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return Optional.empty();
        }
        return Optional.of(new YamlNode(t.getValueNode(), keyAt(key), variables));
    }

    /** The value of {@code key} as a mapping when it is one (empty when a plain value). */
    Optional<YamlNode> mapOrNothing(String key) {
        NodeTuple t = entries.get(key);
        if (t == null || !(t.getValueNode() instanceof MappingNode)) {
            return Optional.empty();
        }
        return map(key);
    }

    /** A list of mappings, each positioned as {@code key[i]}. */
    List<YamlNode> maps(String key) {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return List.of();
        }
        if (!(t.getValueNode() instanceof SequenceNode seq)) {
            throw new PipelineException(
                    keyAt(key),
                    "expected a list (items start with '- '), found " + kind(t.getValueNode()));
        }
        List<YamlNode> out = new ArrayList<>();
        int i = 0;
        for (Node n : seq.getValue()) {
            Position p = at.child(key + "[" + i++ + "]", line(n));
            out.add(new YamlNode(n, p, variables));
        }
        return out;
    }

    /** The line a scalar value starts on (a block scalar's text starts on the next line). */
    int valueLine(String key) {
        NodeTuple t = entries.get(key);
        if (t == null) {
            return at.line();
        }
        Node v = t.getValueNode();
        int l = line(v);
        if (v instanceof ScalarNode s && s.getScalarStyle() != null) {
            char style = s.getScalarStyle().getChar() == null ? ' ' : s.getScalarStyle().getChar();
            if (style == '|' || style == '>') {
                return l + 1;
            }
        }
        return l;
    }

    private String resolve(String value, Position where) {
        if (value == null || !value.contains("${")) {
            return value;
        }
        Matcher m = VARIABLE.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            if (m.group(1) != null) {
                m.appendReplacement(sb, Matcher.quoteReplacement(fileContent(m.group(1), where)));
                continue;
            }
            String name = m.group(2);
            Optional<String> v = variables.apply(name);
            if (v.isEmpty() && m.group(3) == null) {
                throw new PipelineException(
                        where,
                        "variable ${"
                                + name
                                + "} is not defined; pass --var "
                                + name
                                + "=..., set it in the environment, or start the services"
                                + " (tributary services up) for postgres.*, mariadb.*, s3.*,"
                                + " kafka.*");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v.orElse(m.group(4))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * A secret kept in a file (a Docker or Kubernetes secret mount): its content without the
     * trailing line break. The message names the file, never what it holds.
     */
    private static String fileContent(String path, Position where) {
        try {
            String text = Files.readString(Path.of(path.trim()), StandardCharsets.UTF_8);
            return text.endsWith("\r\n")
                    ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException | RuntimeException e) {
            throw new PipelineException(
                    where,
                    "${file:"
                            + path
                            + "} cannot be read ("
                            + e.getClass().getSimpleName()
                            + "); it should hold the value, e.g. a mounted secret");
        }
    }

    private static String nearest(String key, Set<String> allowed) {
        return Spelling.nearest(key, allowed);
    }

    Node node() {
        return node;
    }
}
