package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tributary.catalog.Quarantines;
import io.tributary.catalog.pii.PiiDetector;
import io.tributary.objectstore.ObjectInfo;
import io.tributary.objectstore.ObjectStore;
import io.tributary.objectstore.ObjectStores;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tributary quarantine list|replay <source-path>}: the bad records a source set aside. */
@Command(
        name = "quarantine",
        mixinStandardHelpOptions = true,
        description = "Show the records a tributary-s3 source quarantined, or send them again.",
        subcommands = {QuarantineCommand.ListEntries.class, QuarantineCommand.Replay.class})
final class QuarantineCommand implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The source path and where its quarantine is. */
    abstract static class Sub implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin HomeOption home = new HomeOption();
        @Mixin S3Access s3 = new S3Access();

        @Parameters(
                paramLabel = "PATH|DB.TABLE",
                description =
                        "The source's path (s3://… or file://…), or a catalog table whose reads"
                                + " through the catalog quarantined records.")
        String path;

        static final Pattern CATALOG_TABLE = Pattern.compile("([^./]+)\\.([^/]+)");

        @Option(
                names = "--quarantine",
                paramLabel = "PATH",
                description = "The source's scan.quarantine.path, when it set one.")
        String quarantine;

        String quarantineLocation() {
            if (quarantine != null) {
                return quarantine.endsWith("/") ? quarantine : quarantine + "/";
            }
            Matcher table = CATALOG_TABLE.matcher(path);
            if (!path.contains("://") && table.matches() && !Files.exists(Path.of(path))) {
                // a catalog table: where reads of it through the catalog set records aside
                return Quarantines.forTable(
                        home.resolve().resolve("quarantine").toUri().toString(),
                        table.group(1),
                        table.group(2));
            }
            return (path.endsWith("/") ? path : path + "/") + "_tributary_quarantine/";
        }

        /** Every entry, oldest key first: its key in the quarantine and its JSON. */
        List<Object[]> entries(ObjectStore q) throws Exception {
            List<ObjectInfo> keys = new ArrayList<>();
            String location = q.location();
            if (location.startsWith("file:") && !Files.isDirectory(Path.of(URI.create(location)))) {
                return new ArrayList<>(); // nothing was ever quarantined here
            }
            q.list(keys::add);
            List<Object[]> out = new ArrayList<>();
            for (ObjectInfo k : keys) {
                if (k.key().endsWith(".json")) {
                    out.add(
                            new Object[] {
                                k.key(), JSON.readTree(q.read(k.key(), 0, (int) k.size()))
                            });
                }
            }
            return out;
        }
    }

    @Command(
            name = "list",
            description = {
                "List the quarantined records with their reasons.",
                "Personal data found in them (emails, card numbers, IBANs, phone numbers, IP"
                        + " addresses, US SSNs) is shown as [EMAIL], [CREDIT_CARD], ...; replay"
                        + " sends the records as they were."
            })
    static final class ListEntries extends Sub {

        /** {@code entry} with its raw record and reason masked ({@link PiiDetector#mask}). */
        static JsonNode masked(JsonNode entry) {
            return masked(entry, java.util.Map.of());
        }

        /**
         * {@code entry} masked: a JSON record's fields tagged as PII in {@code tags} (column to
         * tag) replaced by their tag whatever they hold, then everything {@link PiiDetector#mask}
         * finds in the record and the reason.
         */
        static JsonNode masked(JsonNode entry, java.util.Map<String, String> tags) {
            if (!(entry instanceof com.fasterxml.jackson.databind.node.ObjectNode o)) {
                return entry;
            }
            com.fasterxml.jackson.databind.node.ObjectNode copy = o.deepCopy();
            io.tributary.catalog.pii.PiiRedaction.Redacted r =
                    io.tributary.catalog.pii.PiiRedaction.redact(
                            copy.path("raw").isTextual() ? copy.get("raw").asText() : null,
                            copy.path("reason").isTextual() ? copy.get("reason").asText() : null,
                            tags);
            if (r.raw() != null) {
                copy.put("raw", r.raw());
            }
            if (r.reason() != null) {
                copy.put("reason", r.reason());
            }
            return copy;
        }

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        /** The PII tags of the catalog table named (column to tag); none for a path. */
        private java.util.Map<String, String> tags() {
            Matcher table = CATALOG_TABLE.matcher(path);
            if (path.contains("://") || !table.matches() || Files.exists(Path.of(path))) {
                return java.util.Map.of();
            }
            java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
            try (io.tributary.catalog.store.CatalogStore store =
                    CatalogAccess.openStore(home.resolve())) {
                store.table(table.group(1), table.group(2))
                        .ifPresent(
                                t ->
                                        io.tributary.catalog.pii.PiiCounts.tagsOf(t.properties())
                                                .forEach(
                                                        (c, tag) -> out.put(c, tag.type().name())));
            } catch (RuntimeException e) {
                spec.commandLine()
                        .getErr()
                        .println(
                                "note: the catalog's PII tags of "
                                        + path
                                        + " could not be read ("
                                        + e.getMessage()
                                        + "); values are masked by what they look like");
            }
            return out;
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String location = quarantineLocation();
            try (ObjectStore q =
                    ObjectStores.open(location, s3.settings(location, home.resolve(), err))) {
                List<Object[]> entries = entries(q);
                // personal data found in a record or its reason never prints in clear, nor
                // does a value of a column the crawler tagged
                java.util.Map<String, String> tags = tags();
                entries.forEach(e -> e[1] = masked((JsonNode) e[1], tags));
                if (json) {
                    ArrayNode a = JSON.createArrayNode();
                    entries.forEach(e -> a.add((JsonNode) e[1]));
                    out.println(a);
                } else {
                    for (Object[] e : entries) {
                        JsonNode n = (JsonNode) e[1];
                        long line = n.path("line").asLong();
                        // a record a sink or ruleset set aside has no line of a file
                        out.printf(
                                Locale.ROOT,
                                "%s%s: %s%n",
                                n.path("file").asText(),
                                line > 0 ? " line " + line : "",
                                n.path("reason").asText());
                    }
                    out.println(entries.size() + " quarantined record(s) in " + location);
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "replay",
            description = {
                "Send the quarantined records again, after a fix (of the data, the schema, or the"
                        + " job): their raw lines go into one new file under PATH/replay/, which"
                        + " the running source reads like any late file; the entries are removed.",
                "Records whose raw text was truncated (longer than 4 KB) cannot be replayed and stay."
            })
    static final class Replay extends Sub {
        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String location = quarantineLocation();
            String target = path.endsWith("/") ? path : path + "/";
            try (ObjectStore q =
                            ObjectStores.open(
                                    location, s3.settings(location, home.resolve(), err));
                    ObjectStore src =
                            ObjectStores.open(target, s3.settings(target, home.resolve(), err))) {
                ByteArrayOutputStream lines = new ByteArrayOutputStream();
                List<String> replayed = new ArrayList<>();
                int kept = 0;
                for (Object[] e : entries(q)) {
                    JsonNode n = (JsonNode) e[1];
                    if (n.path("file").asText().startsWith("sink ")) {
                        err.println(
                                "tributary: "
                                        + location
                                        + " holds rows a sink set aside ("
                                        + n.path("file").asText()
                                        + "), not records of a source: there is no file to replay"
                                        + " them into. Fix the rows upstream (they need their key);"
                                        + " the entries stay for the record.");
                        return ExitCodes.FAILURE;
                    }
                    if (n.path("truncated").asBoolean()) {
                        kept++;
                        continue;
                    }
                    lines.writeBytes(n.path("raw").asText().getBytes(StandardCharsets.UTF_8));
                    lines.write('\n');
                    replayed.add((String) e[0]);
                }
                if (replayed.isEmpty()) {
                    out.println("nothing to replay (" + kept + " truncated record(s) kept)");
                    return ExitCodes.OK;
                }
                String name =
                        "replay/replay-" + Instant.now().toString().replace(':', '-') + ".json";
                src.write(name, lines.toByteArray());
                for (String key : replayed) {
                    q.delete(key);
                }
                out.println(
                        "replayed "
                                + replayed.size()
                                + " record(s) into "
                                + src.uri(name)
                                + (kept > 0 ? "; " + kept + " truncated record(s) kept" : ""));
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
