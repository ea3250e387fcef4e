package io.tributary.catalog.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subjects, versions and ids of Avro schemas, with the Confluent Schema Registry's semantics:
 * global ids per distinct schema, versions per subject, compatibility checked before a version is
 * accepted. Every change is appended (and synced) to {@code registry.log} in its folder and
 * replayed on open, so a restart loses nothing.
 */
public final class SchemaRegistry implements Registry, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One version of a subject. */
    public record Version(String subject, int version, int id, String schema, boolean deleted) {}

    private final Path logFile;
    private final FileOutputStream log;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, List<Version>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int nextId = 1;

    private SchemaRegistry(Path logFile) throws IOException {
        this.logFile = logFile;
        this.lockChannel =
                FileChannel.open(
                        logFile.resolveSibling("registry.lock"),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
        FileLock acquired;
        try {
            acquired = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            acquired = null;
        }
        if (acquired == null) {
            lockChannel.close();
            throw new IllegalStateException(
                    "The schema registry in "
                            + logFile.getParent()
                            + " is already open (another process or instance serves it); use"
                            + " that registry's URL instead (`tributary services status` prints"
                            + " it)");
        }
        this.lock = acquired;
        if (Files.exists(logFile)) {
            int n = 0;
            for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    apply(JSON.readTree(line));
                    n++;
                }
            }
            LOG.info("Schema registry replayed {} changes from {}", n, logFile);
        }
        this.log = new FileOutputStream(logFile.toFile(), true);
    }

    /** Opens (or creates) the registry kept in {@code dir}. */
    public static SchemaRegistry open(Path dir) {
        try {
            Files.createDirectories(dir);
            return new SchemaRegistry(dir.resolve("registry.log"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open the schema registry in " + dir, e);
        }
    }

    private void apply(JsonNode e) {
        switch (e.path("type").asText()) {
            case "schema" -> {
                int id = e.get("id").asInt();
                String schema = e.get("schema").asText();
                schemasById.put(id, schema);
                idsBySchema.put(schema, id);
                nextId = Math.max(nextId, id + 1);
                subjects.computeIfAbsent(e.get("subject").asText(), s -> new ArrayList<>())
                        .add(
                                new Version(
                                        e.get("subject").asText(),
                                        e.get("version").asInt(),
                                        id,
                                        schema,
                                        false));
            }
            case "config" -> {
                CompatibilityLevel level = CompatibilityLevel.valueOf(e.get("level").asText());
                if (e.hasNonNull("subject")) {
                    subjectLevels.put(e.get("subject").asText(), level);
                } else {
                    globalLevel = level;
                }
            }
            case "delete" -> {
                List<Version> versions = subjects.get(e.get("subject").asText());
                if (versions != null) {
                    versions.replaceAll(
                            v -> new Version(v.subject(), v.version(), v.id(), v.schema(), true));
                }
            }
            default -> throw new IllegalStateException("Unknown registry log entry: " + e);
        }
    }

    private void record(ObjectNode e) {
        try {
            log.write((JSON.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8));
            log.flush();
            log.getFD().sync();
        } catch (IOException ex) {
            throw new UncheckedIOException("Could not write the registry log " + logFile, ex);
        }
        apply(e);
    }

    private static Schema parse(String text) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException | NullPointerException e) {
            throw RegistryException.invalidSchema(String.valueOf(e.getMessage()));
        }
    }

    private List<Version> live(String subject) {
        List<Version> versions = subjects.get(subject);
        if (versions == null || versions.stream().allMatch(Version::deleted)) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions.stream().filter(v -> !v.deleted()).toList();
    }

    /**
     * Registers {@code schemaText} under {@code subject} and returns its id: the existing id when
     * the subject already has it; a refusal naming the fields when it breaks compatibility.
     */
    @Override
    public synchronized int register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        String canonical = schema.toString();
        List<Version> versions =
                subjects.getOrDefault(subject, List.of()).stream()
                        .filter(v -> !v.deleted())
                        .toList();
        for (Version v : versions) {
            if (v.schema().equals(canonical)) {
                return v.id();
            }
        }
        List<Schema> previous = versions.stream().map(v -> parse(v.schema())).toList();
        List<String> problems = AvroCompatibility.check(schema, previous, level(subject));
        if (!problems.isEmpty()) {
            throw RegistryException.incompatible(subject, problems);
        }
        int id = idsBySchema.getOrDefault(canonical, nextId);
        int version =
                subjects.getOrDefault(subject, List.of()).stream()
                                .mapToInt(Version::version)
                                .max()
                                .orElse(0)
                        + 1;
        ObjectNode e = JSON.createObjectNode();
        e.put("type", "schema");
        e.put("subject", subject);
        e.put("version", version);
        e.put("id", id);
        e.put("schema", canonical);
        record(e);
        LOG.info("Registered {} version {} (id {})", subject, version, id);
        return id;
    }

    /** The version of {@code subject} holding {@code schemaText}, if registered. */
    @Override
    public synchronized Optional<Version> lookup(String subject, String schemaText) {
        String canonical = parse(schemaText).toString();
        return live(subject).stream().filter(v -> v.schema().equals(canonical)).findFirst();
    }

    public synchronized List<String> subjects() {
        return subjects.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(v -> !v.deleted()))
                .map(Map.Entry::getKey)
                .toList();
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        return live(subject).stream().map(Version::version).toList();
    }

    /** {@code version} is a number or "latest". */
    @Override
    public synchronized Version version(String subject, String version) {
        List<Version> versions = live(subject);
        if (version.equals("latest") || version.equals("-1")) {
            return versions.get(versions.size() - 1);
        }
        try {
            int n = Integer.parseInt(version);
            return versions.stream()
                    .filter(v -> v.version() == n)
                    .findFirst()
                    .orElseThrow(() -> RegistryException.versionNotFound(subject, version));
        } catch (NumberFormatException e) {
            throw new RegistryException(
                    422, 42202, "Version '" + version + "' is not a number or 'latest'.");
        }
    }

    public synchronized String schema(int id) {
        String s = schemasById.get(id);
        if (s == null) {
            throw RegistryException.schemaNotFound("id " + id);
        }
        return s;
    }

    /**
     * Problems with registering {@code schemaText} after {@code version} of {@code subject}
     * ("latest" applies the subject's level to every version it names; a number checks that version
     * only).
     */
    public synchronized List<String> testCompatibility(
            String subject, String version, String schemaText) {
        Schema schema = parse(schemaText);
        CompatibilityLevel level = level(subject);
        if (!subjects.containsKey(subject)) {
            return List.of();
        }
        List<Schema> against =
                version.equals("latest")
                        ? live(subject).stream().map(v -> parse(v.schema())).toList()
                        : List.of(parse(version(subject, version).schema()));
        return AvroCompatibility.check(schema, against, level);
    }

    public synchronized CompatibilityLevel level(String subject) {
        return subject == null ? globalLevel : subjectLevels.getOrDefault(subject, globalLevel);
    }

    /** The level set for the subject itself, without falling back to the global one. */
    public synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /** Sets the level of {@code subject}, or the global level when null. */
    public synchronized void setLevel(String subject, CompatibilityLevel level) {
        ObjectNode e = JSON.createObjectNode();
        e.put("type", "config");
        e.put("subject", subject);
        e.put("level", level.name());
        record(e);
    }

    /** Soft-deletes a subject; returns the versions it had. */
    public synchronized List<Integer> deleteSubject(String subject) {
        List<Integer> versions = versions(subject);
        ObjectNode e = JSON.createObjectNode();
        e.put("type", "delete");
        e.put("subject", subject);
        record(e);
        return versions;
    }

    @Override
    public synchronized void close() {
        try {
            log.close();
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("Could not close {}", logFile, e);
        }
    }
}
