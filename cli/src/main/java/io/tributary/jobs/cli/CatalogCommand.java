package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.CatalogService;
import io.tributary.catalog.model.CatalogDatabase;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.ModelJson;
import io.tributary.catalog.model.Partition;
import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.store.CatalogException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tributary catalog ...}: what the catalog holds, for people and (with --json) scripts. */
@Command(
        name = "catalog",
        mixinStandardHelpOptions = true,
        description =
                "Show the catalog: databases, tables, schemas, versions and partitions; serve it"
                        + " to other engines as an Iceberg REST Catalog.",
        subcommands = {
            CatalogCommand.Databases.class,
            CatalogCommand.Tables.class,
            CatalogCommand.Describe.class,
            CatalogCommand.Versions.class,
            CatalogCommand.Partitions.class,
            SnapshotsCommand.class,
            RegisterIcebergCommand.class,
            CatalogServeCommand.class
        })
final class CatalogCommand implements Runnable {

    static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every subcommand shares: where the catalog is, and --json. */
    abstract static class Sub implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin HomeOption home = new HomeOption();
        @Mixin CatalogAccess access = new CatalogAccess();

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (CatalogService catalog =
                    access.open(home.resolve(), spec.commandLine().getErr())) {
                int rc = run(catalog, out);
                out.flush();
                return rc;
            }
        }

        abstract int run(CatalogService catalog, PrintWriter out) throws Exception;

        /** {@code db.table}: the table name may itself hold dots; the database may not. */
        static String[] split(String qualified) {
            int dot = qualified.indexOf('.');
            if (dot <= 0 || dot == qualified.length() - 1) {
                throw new CommandLine.ParameterException(
                        new CommandLine(new Object()),
                        "'" + qualified + "' is not <database>.<table>");
            }
            return new String[] {qualified.substring(0, dot), qualified.substring(dot + 1)};
        }

        static CatalogTable table(CatalogService catalog, String qualified) {
            String[] p = split(qualified);
            return catalog.store()
                    .table(p[0], p[1])
                    .orElseThrow(
                            () ->
                                    new CatalogException(
                                            "No table "
                                                    + qualified
                                                    + " in the catalog (tributary catalog tables "
                                                    + p[0]
                                                    + " lists them)"));
        }
    }

    @Command(name = "databases", description = "List the databases.")
    static final class Databases extends Sub {
        @Override
        int run(CatalogService catalog, PrintWriter out) {
            List<CatalogDatabase> dbs = catalog.store().databases();
            if (json) {
                ArrayNode a = JSON.createArrayNode();
                dbs.forEach(d -> a.add(ModelJson.database(d)));
                out.println(a);
            } else {
                dbs.forEach(d -> out.println(d.name()));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "tables", description = "List the tables of a database.")
    static final class Tables extends Sub {
        @Parameters(paramLabel = "DB")
        String database;

        @Override
        int run(CatalogService catalog, PrintWriter out) {
            List<CatalogTable> tables = catalog.store().tables(database);
            if (json) {
                ArrayNode a = JSON.createArrayNode();
                for (CatalogTable t : tables) {
                    a.addObject()
                            .put("name", t.name())
                            .put("format", t.format().id())
                            .put("location", t.location())
                            .put("columns", t.columns().size())
                            .put("partitionKeys", t.partitionKeys().size())
                            .put("schemaVersion", t.schemaVersion())
                            .put("deprecated", t.deprecated());
                }
                out.println(a);
            } else {
                for (CatalogTable t : tables) {
                    out.printf(
                            Locale.ROOT,
                            "%-30s %-8s v%-3d %s%s%n",
                            t.name(),
                            t.format().id(),
                            t.schemaVersion(),
                            t.location(),
                            t.deprecated() ? "  (deprecated)" : "");
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "describe", description = "Show a table: location, format, columns, keys.")
    static final class Describe extends Sub {
        @Parameters(paramLabel = "DB.TABLE")
        String table;

        @Override
        int run(CatalogService catalog, PrintWriter out) {
            CatalogTable t = table(catalog, table);
            if (json) {
                ObjectNode n = ModelJson.table(t);
                n.put("name", t.name());
                n.put("qualifiedName", t.qualifiedName());
                out.println(n);
                return ExitCodes.OK;
            }
            out.println("table     " + t.qualifiedName() + (t.deprecated() ? " (deprecated)" : ""));
            out.println("location  " + t.location());
            out.println("format    " + t.format().id() + " " + t.formatOptions());
            out.println("version   " + t.schemaVersion() + " (updated " + t.updatedAt() + ")");
            if (!t.primaryKey().isEmpty()) {
                out.println("key       " + String.join(", ", t.primaryKey()));
            }
            if (t.format() == TableFormat.ICEBERG) {
                Map<String, String> p = t.properties();
                out.println(
                        "snapshots "
                                + p.getOrDefault("iceberg.snapshots", "0")
                                + (p.containsKey("iceberg.current-snapshot-id")
                                        ? " (current "
                                                + p.get("iceberg.current-snapshot-id")
                                                + ": "
                                                + p.getOrDefault("iceberg.total-records", "?")
                                                + " rows in "
                                                + p.getOrDefault("iceberg.total-data-files", "?")
                                                + " data files)"
                                        : ""));
                out.println("partition " + p.getOrDefault("iceberg.partition-spec", "[]"));
                out.println("metadata  " + p.get("metadata_location"));
            }
            out.println("columns");
            Map<String, io.tributary.catalog.pii.PiiCounts.Tag> tags =
                    io.tributary.catalog.pii.PiiCounts.tagsOf(t.properties());
            for (Column c : t.columns()) {
                io.tributary.catalog.pii.PiiCounts.Tag tag = tags.get(c.name());
                out.printf(
                        Locale.ROOT,
                        "  %-28s %s%s%s%s%n",
                        c.name(),
                        c.type().sql(),
                        c.nullable() ? "" : " not null",
                        c.typesSeen().isEmpty()
                                ? ""
                                : "   (seen: " + String.join(", ", c.typesSeen()) + ")",
                        tag == null
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        "   pii %s (%.0f%% of sampled values)",
                                        tag.type(),
                                        tag.share() * 100));
            }
            if (!t.partitionKeys().isEmpty()) {
                out.println("partition keys");
                for (Column c : t.partitionKeys()) {
                    out.printf(Locale.ROOT, "  %-28s %s%n", c.name(), c.type().sql());
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "versions", description = "List every schema version of a table.")
    static final class Versions extends Sub {
        @Parameters(paramLabel = "DB.TABLE")
        String table;

        @Mixin S3Access s3 = new S3Access();

        @Override
        int run(CatalogService catalog, PrintWriter out) throws Exception {
            CatalogTable t = table(catalog, table);
            if (t.format() == TableFormat.ICEBERG) {
                // a lake table's schemas are Iceberg's, kept in its metadata with their ids
                return SnapshotsCommand.withLake(
                        catalog,
                        t,
                        s3,
                        home.resolve(),
                        spec.commandLine().getErr(),
                        lake -> lakeVersions(t, lake, out));
            }
            List<SchemaRegistry.Version> versions = catalog.versions(t.database(), t.name());
            if (json) {
                ArrayNode a = JSON.createArrayNode();
                for (SchemaRegistry.Version v : versions) {
                    a.addObject()
                            .put("subject", v.subject())
                            .put("version", v.version())
                            .put("id", v.id())
                            .set("schema", JSON.readTree(v.schema()));
                }
                out.println(a);
            } else {
                for (SchemaRegistry.Version v : versions) {
                    out.println(
                            "v"
                                    + v.version()
                                    + "  id "
                                    + v.id()
                                    + "  "
                                    + v.subject()
                                    + (v.version() == t.schemaVersion() ? "  (current)" : ""));
                    out.println("    " + v.schema());
                }
            }
            return ExitCodes.OK;
        }

        /**
         * Every schema of lake table {@code t}, oldest first, with the snapshots written with it:
         * the schema a row was written with is its snapshot's.
         */
        private int lakeVersions(CatalogTable t, org.apache.iceberg.Table lake, PrintWriter out)
                throws Exception {
            Map<Integer, Integer> written = new java.util.TreeMap<>();
            for (org.apache.iceberg.Snapshot sn : lake.snapshots()) {
                if (sn.schemaId() != null) {
                    written.merge(sn.schemaId(), 1, Integer::sum);
                }
            }
            int current = lake.schema().schemaId();
            ArrayNode a = JSON.createArrayNode();
            for (org.apache.iceberg.Schema schema :
                    new java.util.TreeMap<>(lake.schemas()).values()) {
                String text = org.apache.iceberg.SchemaParser.toJson(schema);
                int snapshots = written.getOrDefault(schema.schemaId(), 0);
                if (json) {
                    a.addObject()
                            .put("subject", t.database() + "." + t.name())
                            .put("version", schema.schemaId())
                            .put("id", schema.schemaId())
                            .put("format", "iceberg")
                            .put("snapshots", snapshots)
                            .put("current", schema.schemaId() == current)
                            .set("schema", JSON.readTree(text));
                } else {
                    out.println(
                            "schema "
                                    + schema.schemaId()
                                    + "  iceberg  "
                                    + snapshots
                                    + " snapshot(s) written with it"
                                    + (schema.schemaId() == current ? "  (current)" : ""));
                    out.println("    " + text);
                }
            }
            if (json) {
                out.println(a);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "partitions", description = "List the partitions of a table.")
    static final class Partitions extends Sub {
        @Parameters(paramLabel = "DB.TABLE")
        String table;

        @Override
        int run(CatalogService catalog, PrintWriter out) {
            CatalogTable t = table(catalog, table);
            List<Partition> ps = catalog.store().partitions(t.database(), t.name());
            if (json) {
                ArrayNode a = JSON.createArrayNode();
                ps.forEach(p -> a.add(ModelJson.partition(p)));
                out.println(a);
            } else {
                for (Partition p : ps) {
                    StringBuilder spec = new StringBuilder();
                    for (int i = 0; i < p.values().size(); i++) {
                        spec.append(i == 0 ? "" : "/")
                                .append(t.partitionKeys().get(i).name())
                                .append('=')
                                .append(p.values().get(i));
                    }
                    out.printf(
                            Locale.ROOT,
                            "%-40s %,6d files %,14d bytes  %s%s%n",
                            spec,
                            p.fileCount(),
                            p.bytes(),
                            p.location(),
                            p.deprecated() ? "  (deprecated)" : "");
                }
            }
            return ExitCodes.OK;
        }
    }
}
