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
    private final Map<String, String> subjectModes = new HashMap<>();
    private String globalMode = "READWRITE";
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
            case "config-delete" -> {
                if (e.hasNonNull("subject")) {
                    subjectLevels.remove(e.get("subject").asText());
                } else {
                    globalLevel = CompatibilityLevel.BACKWARD;
                }
            }
            case "mode" -> {
                if (e.hasNonNull("subject")) {
                    subjectModes.put(e.get("subject").asText(), e.get("mode").asText());
                } else {
                    globalMode = e.get("mode").asText();
                }
            }
            case "mode-delete" -> subjectModes.remove(e.get("subject").asText());
            case "delete" -> applyDelete(e);
            default -> throw new IllegalStateException("Unknown registry log entry: " + e);
        }
    }

    /**
     * A soft delete marks versions deleted (all of the subject's, or the one named); a permanent
     * one removes them, and a schema no version holds any more is gone from the ids too.
     */
    private void applyDelete(JsonNode e) {
        String subject = e.get("subject").asText();
        List<Version> versions = subjects.get(subject);
        if (versions == null) {
            return;
        }
        Integer only = e.hasNonNull("version") ? e.get("version").asInt() : null;
        boolean permanent = e.path("permanent").asBoolean(false);
        if (permanent) {
            versions.removeIf(v -> only == null || v.version() == only);
            if (versions.isEmpty()) {
                subjects.remove(subject);
                subjectLevels.remove(subject);
                subjectModes.remove(subject);
            }
            schemasById.keySet().removeIf(id -> !held(id));
            idsBySchema.values().removeIf(id -> !held(id));
        } else {
            versions.replaceAll(
                    v ->
                            only == null || v.version() == only
                                    ? new Version(
                                            v.subject(), v.version(), v.id(), v.schema(), true)
                                    : v);
        }
    }

    private boolean held(int id) {
        return subjects.values().stream().flatMap(List::stream).anyMatch(v -> v.id() == id);
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
        requireWritable(subject);
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
        return subjects(false);
    }

    /** The subjects with a live version; with {@code deleted}, the soft-deleted ones too. */
    public synchronized List<String> subjects(boolean deleted) {
        return subjects.entrySet().stream()
                .filter(e -> deleted || e.getValue().stream().anyMatch(v -> !v.deleted()))
                .map(Map.Entry::getKey)
                .toList();
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        return versions(subject, false);
    }

    /** The subject's live version numbers; with {@code deleted}, the soft-deleted ones too. */
    public synchronized List<Integer> versions(String subject, boolean deleted) {
        return visible(subject, deleted).stream().map(Version::version).toList();
    }

    private List<Version> visible(String subject, boolean deleted) {
        if (!deleted) {
            return live(subject);
        }
        List<Version> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return List.copyOf(versions);
    }

    /** {@code version} is a number or "latest". */
    @Override
    public synchronized Version version(String subject, String version) {
        return version(subject, version, false);
    }

    /**
     * One version of {@code subject} ("latest", -1 or a number from 1); with {@code deleted}, a
     * soft-deleted version is found too.
     */
    public synchronized Version version(String subject, String version, boolean deleted) {
        int n = versionNumber(version);
        List<Version> versions = visible(subject, deleted);
        if (n == -1) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream()
                .filter(v -> v.version() == n)
                .findFirst()
                .orElseThrow(() -> RegistryException.versionNotFound(subject, version));
    }

    /** -1 for "latest"; a number from 1; else Confluent's 42202. */
    private static int versionNumber(String version) {
        if (version.equals("latest")) {
            return -1;
        }
        try {
            int n = Integer.parseInt(version);
            if (n == -1 || n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the refusal
        }
        throw new RegistryException(
                422,
                42202,
                "The specified version '"
                        + version
                        + "' is not a valid version id. Allowed values are between [1, 2^31-1]"
                        + " and the string \"latest\"");
    }

    /** Every (subject, version) holding schema {@code id}; with {@code deleted}, soft ones too. */
    public synchronized List<Version> versionsOf(int id, boolean deleted) {
        schema(id);
        return subjects.values().stream()
                .flatMap(List::stream)
                .filter(v -> v.id() == id && (deleted || !v.deleted()))
                .toList();
    }

    public synchronized String schema(int id) {
        String s = schemasById.get(id);
        if (s == null) {
            throw RegistryException.schemaNotFound("id " + id);
        }
        return s;
    }

    /**
     * Problems with registering {@code schemaText} under {@code subject}. {@code version} null
     * checks the way a registration would (the subject's level against the versions it names);
     * "latest" or a number checks that one version. An unknown subject is compatible with "latest"
     * and with the registration check, and a 40401 for a numbered version, as Confluent's is.
     */
    public synchronized List<String> testCompatibility(
            String subject, String version, String schemaText) {
        Schema schema = parse(schemaText);
        CompatibilityLevel level = level(subject);
        boolean known =
                subjects.getOrDefault(subject, List.of()).stream().anyMatch(v -> !v.deleted());
        if (version != null && versionNumber(version) != -1 && !known) {
            throw RegistryException.subjectNotFound(subject);
        }
        if (!known) {
            return List.of();
        }
        List<Schema> against =
                version == null
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

    /** Sets the global level back to BACKWARD; returns the level it had. */
    public synchronized CompatibilityLevel resetGlobalLevel() {
        CompatibilityLevel had = globalLevel;
        ObjectNode e = JSON.createObjectNode();
        e.put("type", "config-delete");
        record(e);
        return had;
    }

    /** Removes the subject's own level; returns the level it had (40401 when it had none). */
    public synchronized CompatibilityLevel deleteLevel(String subject) {
        CompatibilityLevel had = subjectLevels.get(subject);
        if (had == null && !subjects.containsKey(subject)) {
            throw RegistryException.subjectNotFound(subject);
        }
        ObjectNode e = JSON.createObjectNode();
        e.put("type", "config-delete");
        e.put("subject", subject);
        record(e);
        return had == null ? globalLevel : had;
    }

    /** The mode of {@code subject} (its own, else the global one), or the global mode if null. */
    public synchronized String mode(String subject) {
        return subject == null ? globalMode : subjectModes.getOrDefault(subject, globalMode);
    }

    /** The mode set for the subject itself. */
    public synchronized Optional<String> subjectMode(String subject) {
        return Optional.ofNullable(subjectModes.get(subject));
    }

    /**
     * Sets the mode (READWRITE, READONLY, READONLY_OVERRIDE) of a subject or, if null, of all.
     * IMPORT (registering with given ids) is refused: this registry assigns its ids itself.
     */
    public synchronized String setMode(String subject, String mode) {
        if (mode.equals("IMPORT")) {
            throw new RegistryException(
                    422,
                    42204,
                    "IMPORT mode is not supported by Tributary's registry (it assigns ids itself)");
        }
        if (!MODES.contains(mode)) {
            throw new RegistryException(
                    422, 42204, "Invalid mode '" + mode + "'; one of " + String.join(", ", MODES));
        }
        ObjectNode e = JSON.createObjectNode();
        e.put("type", "mode");
        e.put("subject", subject);
        e.put("mode", mode);
        record(e);
        return mode;
    }

    /** Removes the subject's own mode; returns the mode it had. */
    public synchronized String deleteMode(String subject) {
        String had = subjectModes.get(subject);
        if (had == null) {
            throw RegistryException.subjectNotFound(subject);
        }
        ObjectNode e = JSON.createObjectNode();
        e.put("type", "mode-delete");
        e.put("subject", subject);
        record(e);
        return had;
    }

    private static final List<String> MODES = List.of("READWRITE", "READONLY", "READONLY_OVERRIDE");

    private void requireWritable(String subject) {
        String mode = mode(subject);
        if (mode.startsWith("READONLY")) {
            throw new RegistryException(
                    422, 42205, "Subject '" + subject + "' is in " + mode + " mode");
        }
    }

    /**
     * Deletes a subject: softly (its versions stay readable with {@code deleted=true}; a second
     * soft delete is 40404), or permanently, which Confluent allows only after a soft delete
     * (40405). Returns the version numbers deleted.
     */
    public synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        requireWritable(subject);
        List<Version> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        boolean anyLive = versions.stream().anyMatch(v -> !v.deleted());
        if (permanent && anyLive) {
            throw new RegistryException(
                    404,
                    40405,
                    "Subject '"
                            + subject
                            + "' was not deleted first before being permanently deleted");
        }
        if (!permanent && !anyLive) {
            throw new RegistryException(
                    404,
                    40404,
                    "Subject '"
                            + subject
                            + "' was soft deleted.Set permanent=true to delete permanently");
        }
        List<Integer> deleted =
                versions.stream()
                        .filter(v -> permanent || !v.deleted())
                        .map(Version::version)
                        .toList();
        recordDelete(subject, null, permanent);
        return deleted;
    }

    /** Soft-deletes a subject; returns the versions it had. */
    public synchronized List<Integer> deleteSubject(String subject) {
        return deleteSubject(subject, false);
    }

    /**
     * Deletes one version ("latest" or a number): softly (40406 when it already is), or permanently
     * after a soft delete (40407 otherwise). Returns its number.
     */
    public synchronized int deleteVersion(String subject, String version, boolean permanent) {
        requireWritable(subject);
        // a number is found among soft-deleted versions too (to answer 40406); "latest" is the
        // latest live version for a soft delete
        Version v = version(subject, version, permanent || versionNumber(version) != -1);
        if (permanent && !v.deleted()) {
            throw new RegistryException(
                    404,
                    40407,
                    "Subject '"
                            + subject
                            + "' Version "
                            + v.version()
                            + " was not deleted first before being permanently deleted");
        }
        if (!permanent && v.deleted()) {
            throw new RegistryException(
                    404,
                    40406,
                    "Subject '"
                            + subject
                            + "' Version "
                            + v.version()
                            + " was soft deleted.Set permanent=true to delete permanently");
        }
        recordDelete(subject, v.version(), permanent);
        return v.version();
    }

    private void recordDelete(String subject, Integer version, boolean permanent) {
        ObjectNode e = JSON.createObjectNode();
        e.put("type", "delete");
        e.put("subject", subject);
        if (version != null) {
            e.put("version", version);
        }
        e.put("permanent", permanent);
        record(e);
        LOG.info(
                "Deleted {} {}{}",
                subject,
                version == null ? "(all versions)" : "version " + version,
                permanent ? " permanently" : "");
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
