package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlerDefinitions;
import io.tributary.catalog.crawler.CrawlerService;
import io.tributary.catalog.crawler.CrawlerSession;
import io.tributary.catalog.iceberg.IcebergTwins;
import io.tributary.catalog.model.CrawlerDefinition;
import io.tributary.catalog.model.CrawlerRun;
import io.tributary.catalog.model.ModelJson;
import io.tributary.catalog.store.CatalogException;
import io.tributary.catalog.store.CrawlerStore;
import io.tributary.objectstore.ObjectStores;
import io.tributary.objectstore.S3Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary crawlers create|list|show|start|stop|runs|delete}: Glue's crawler definitions,
 * kept in the catalog store. {@code services up} runs the scheduled ones (continuous or every
 * interval); {@code start} runs one pass here, now.
 */
@Command(
        name = "crawlers",
        mixinStandardHelpOptions = true,
        description =
                "Crawlers kept in the catalog: what they crawl, how often, and every run."
                        + " `services up` runs the scheduled ones.",
        subcommands = {
            CrawlersCommand.Create.class,
            CrawlersCommand.ListCrawlers.class,
            CrawlersCommand.Show.class,
            CrawlersCommand.Start.class,
            CrawlersCommand.Stop.class,
            CrawlersCommand.Runs.class,
            CrawlersCommand.Delete.class
        })
final class CrawlersCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** How this process opens a definition's object-store targets. */
    static CrawlerSession.Targets opener(S3Access s3, Path home, PrintWriter err) {
        return (d, target) -> ObjectStores.open(target, settings(d, target, s3, home, err));
    }

    static S3Settings settings(
            CrawlerDefinition d, String target, S3Access s3, Path home, PrintWriter err) {
        if (!target.startsWith("s3")) {
            return null;
        }
        if (d.s3Endpoint() != null) {
            return S3Access.forEndpoint(d.s3Endpoint(), home);
        }
        return s3.settings(target, home, err);
    }

    /**
     * After a pass that changed the catalog: the Iceberg tables registered over the crawler's
     * object-store tables take the new files ({@code tributary catalog register-iceberg}); what
     * changed, or why it failed (retried after the next such pass), goes to {@code say}.
     */
    static void syncTwins(
            CatalogService catalog,
            CrawlerDefinition d,
            CrawlerRun run,
            S3Settings s3,
            java.util.function.Consumer<String> say) {
        if (!CrawlerSession.worthRecording(run)
                || d.targets().stream().allMatch(t -> t.startsWith("jdbc:"))) {
            return;
        }
        try {
            RegisterIcebergCommand.syncAfterCrawl(catalog, d.database(), s3).stream()
                    .filter(IcebergTwins.SyncReport::changed)
                    .forEach(r -> say.accept("  iceberg " + r.summary()));
        } catch (RuntimeException e) {
            say.accept(
                    "crawler "
                            + d.name()
                            + ": updating the Iceberg tables registered over it failed: "
                            + Errors.describe(e));
        }
    }

    static CrawlerDefinition find(CrawlerStore store, String name) {
        return store.crawler(name)
                .orElseThrow(
                        () ->
                                new CatalogException(
                                        "No crawler named '"
                                                + name
                                                + "' (`tributary crawlers list` shows them;"
                                                + " `tributary crawlers create` makes one)"));
    }

    /** A run as one line. */
    static String line(CrawlerRun r) {
        return String.format(
                Locale.ROOT,
                "%s  %-9s %-17s %,d files (%,d sampled), tables +%d ~%d !%d -%d, partitions +%d ~%d"
                        + " -%d, %d version(s) in %.1f s%s",
                r.started().toString().substring(0, 19).replace('T', ' '),
                r.state(),
                r.trigger(),
                r.filesListed(),
                r.filesSampled(),
                r.tablesCreated().size(),
                r.tablesUpdated().size(),
                r.tablesDeprecated().size(),
                r.tablesDeleted().size(),
                r.partitionsAdded(),
                r.partitionsUpdated(),
                r.partitionsRemoved(),
                r.versionsRegistered(),
                r.took().toMillis() / 1000.0,
                r.errors().isEmpty() ? "" : "; " + String.join("; ", r.errors()));
    }

    static ObjectNode toJson(CrawlerDefinition d, CrawlerStore store) {
        ObjectNode n = ModelJson.crawler(d);
        ArrayNode targets = n.putArray("targets");
        CrawlerDefinitions.shown(d).forEach(targets::add);
        Optional<CrawlerStore.Lease> lease = store.crawlerLease(d.name());
        ObjectNode status = n.putObject("status");
        boolean running =
                lease.isPresent()
                        && lease.get().holder() != null
                        && lease.get().until() != null
                        && lease.get().until().isAfter(Instant.now());
        status.put("running", running);
        if (running) {
            status.put("runningIn", lease.get().holder());
        }
        lease.map(CrawlerStore.Lease::lastPass)
                .ifPresent(t -> status.put("lastPass", t.toString()));
        List<CrawlerRun> last = store.crawlerRuns(d.name(), 1);
        if (!last.isEmpty()) {
            status.set("lastRun", ModelJson.crawlerRun(last.get(0)));
        }
        return n;
    }

    /** Reads on-demand, continuous, or a duration (5s, 10m, 1h, PT30S). */
    static final class ScheduleConverter implements CommandLine.ITypeConverter<Duration> {
        static final Duration ON_DEMAND = Duration.ZERO;

        @Override
        public Duration convert(String v) {
            String s = v.trim().toLowerCase(Locale.ROOT);
            if (s.equals("on-demand") || s.equals("none")) {
                return ON_DEMAND;
            }
            if (s.equals("continuous")) {
                return CrawlerDefinition.CONTINUOUS;
            }
            try {
                return new CrawlCommand.DurationConverter().convert(v);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException(
                        "'"
                                + v
                                + "' is not a schedule: use continuous, on-demand or a duration"
                                + " such as 30s, 10m, 1h");
            }
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Define a crawler in the catalog. It is checked first (targets reachable, no"
                        + " other crawler of the database covering its targets); nothing is stored"
                        + " when a check fails.",
                "Scheduled crawlers (continuous, or every interval) run while `services up` runs;"
                        + " `crawlers start NAME` runs one pass now."
            })
    static final class Create implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin HomeOption home = new HomeOption();
        @Mixin CatalogAccess access = new CatalogAccess();

        @Parameters(index = "0", paramLabel = "NAME", description = "The crawler's name.")
        String name;

        @Option(
                names = "--target",
                required = true,
                paramLabel = "LOCATION",
                description =
                        "What to crawl: s3://bucket/prefix/, file:///folder/, or a jdbc:mysql://,"
                                + " jdbc:mariadb:// or jdbc:postgresql:// database; repeatable.")
        List<String> targets = new ArrayList<>();

        @Option(
                names = "--database",
                required = true,
                paramLabel = "DB",
                description = "Catalog database the tables go to.")
        String database;

        @Option(
                names = "--schedule",
                paramLabel = "WHEN",
                defaultValue = "on-demand",
                converter = ScheduleConverter.class,
                description =
                        "continuous (a pass every 2 s, new files in the catalog within seconds), a"
                                + " duration between passes (10m), or on-demand (default).")
        Duration schedule;

        @Option(names = "--exclude", paramLabel = "GLOB", description = "Keys to leave out.")
        List<String> excludes = new ArrayList<>();

        @Option(
                names = "--schema-change",
                paramLabel = "POLICY",
                description = "update (default) or log.")
        String schemaChange;

        @Option(
                names = "--on-delete",
                paramLabel = "POLICY",
                description = "log, deprecate (default) or delete.")
        String onDelete;

        @Option(
                names = "--recrawl",
                paramLabel = "POLICY",
                description = "everything (default) or new-folders.")
        String recrawl;

        @Option(
                names = "--table-threshold",
                paramLabel = "N",
                description = "Fail a pass that would make more than N tables.")
        int tableThreshold;

        @Option(
                names = "--json-path",
                paramLabel = "PATH",
                description = "Where JSON documents hold their records (e.g. '$.features[*]').")
        String jsonPath;

        @Option(names = "--user", paramLabel = "USER", description = "Database user (JDBC).")
        String user;

        @Option(
                names = "--password-env",
                paramLabel = "NAME",
                description =
                        "Environment variable the database password is read from when the crawler"
                                + " runs (the definition stores the name, never the password).")
        String passwordEnv;

        @Option(
                names = "--password-file",
                paramLabel = "FILE",
                description = "File the database password is read from when the crawler runs.")
        Path passwordFile;

        @Option(names = "--tables", paramLabel = "PATTERN", description = "JDBC: table pattern.")
        String tables;

        @Option(names = "--schema", paramLabel = "PATTERN", description = "PostgreSQL: schema.")
        String schema;

        @Option(
                names = "--s3-endpoint",
                paramLabel = "URL",
                description =
                        "S3-compatible endpoint of the targets (default: AWS, or the embedded S3"
                                + " server when `services up` runs).")
        String s3Endpoint;

        @Option(
                names = "--no-check",
                description = "Store it without checking that its targets answer now.")
        boolean noCheck;

        @Option(names = "--json", description = "Print the stored definition as JSON.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path dir = home.resolve();
            if (passwordEnv != null && passwordFile != null) {
                err.println("crawlers create: give --password-env or --password-file, not both");
                return ExitCodes.USAGE;
            }
            String password =
                    passwordEnv != null
                            ? "env:" + passwordEnv
                            : passwordFile != null ? "file:" + passwordFile.toAbsolutePath() : null;
            CrawlerDefinition d =
                    new CrawlerDefinition(
                            name,
                            targets,
                            database,
                            schedule.isZero() ? null : schedule,
                            excludes,
                            schemaChange,
                            onDelete,
                            recrawl,
                            tableThreshold,
                            jsonPath,
                            user,
                            password,
                            schema,
                            tables,
                            s3Endpoint,
                            false,
                            null,
                            null);
            try (CatalogService catalog = access.open(dir, err)) {
                CrawlerDefinitions.check(d, catalog.store());
                if (!noCheck) {
                    S3Access s3 = new S3Access();
                    CrawlerDefinitions.reach(d, opener(s3, dir, err), Duration.ofSeconds(10));
                }
                catalog.store().createCrawler(d);
                if (json) {
                    out.println(toJson(d, catalog.store()));
                } else {
                    out.println(
                            "crawler "
                                    + d.name()
                                    + ": "
                                    + CrawlerDefinitions.shown(d)
                                    + " -> "
                                    + d.database()
                                    + ", "
                                    + d.scheduleText());
                    out.println(
                            d.scheduled()
                                    ? "  `tributary services up` runs it; `tributary crawlers"
                                            + " start "
                                            + d.name()
                                            + "` runs a pass now"
                                    : "  `tributary crawlers start " + d.name() + "` runs it");
                }
                return ExitCodes.OK;
            } catch (CatalogException e) {
                err.println("crawlers create: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the crawlers.")
    static final class ListCrawlers implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin HomeOption home = new HomeOption();
        @Mixin CatalogAccess access = new CatalogAccess();

        @Option(names = "--json", description = "As JSON.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (var store = access.store(home.resolve())) {
                List<CrawlerDefinition> all = store.crawlers();
                if (json) {
                    ArrayNode a = CatalogCommand.JSON.createArrayNode();
                    all.forEach(d -> a.add(toJson(d, store)));
                    out.println(a);
                    return ExitCodes.OK;
                }
                if (all.isEmpty()) {
                    out.println(
                            "No crawlers (tributary crawlers create NAME --target ... makes one)");
                }
                for (CrawlerDefinition d : all) {
                    ObjectNode n = toJson(d, store);
                    out.printf(
                            Locale.ROOT,
                            "%-24s %-10s %-26s %s -> %s%s%n",
                            d.name(),
                            d.stopped()
                                    ? "STOPPED"
                                    : n.at("/status/running").asBoolean() ? "RUNNING" : "READY",
                            d.scheduleText(),
                            String.join(", ", CrawlerDefinitions.shown(d)),
                            d.database(),
                            n.at("/status/lastRun/state").isMissingNode()
                                    ? ""
                                    : "  (last run "
                                            + n.at("/status/lastRun/state").asText()
                                            + ")");
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "A crawler's definition, where it runs, and its last run.")
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin HomeOption home = new HomeOption();
        @Mixin CatalogAccess access = new CatalogAccess();

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--json", description = "As JSON.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (var store = access.store(home.resolve())) {
                CrawlerDefinition d = find(store, name);
                ObjectNode n = toJson(d, store);
                if (json) {
                    out.println(n);
                    return ExitCodes.OK;
                }
                out.println("crawler " + d.name());
                out.println("  targets        " + String.join(", ", CrawlerDefinitions.shown(d)));
                out.println("  database       " + d.database());
                out.println(
                        "  schedule       "
                                + d.scheduleText()
                                + (d.stopped() ? ", STOPPED (crawlers start resumes it)" : ""));
                out.println(
                        "  policies       schema change "
                                + orDefault(d.schemaChange(), "update")
                                + ", on delete "
                                + orDefault(d.onDelete(), "deprecate")
                                + ", recrawl "
                                + orDefault(d.recrawl(), "everything")
                                + (d.tableThreshold() > 0
                                        ? ", at most " + d.tableThreshold() + " tables"
                                        : ""));
                if (!d.excludes().isEmpty()) {
                    out.println("  excludes       " + String.join(", ", d.excludes()));
                }
                if (d.jsonPath() != null) {
                    out.println("  json path      " + d.jsonPath());
                }
                if (d.jdbcUser() != null || d.jdbcPassword() != null) {
                    out.println(
                            "  database user  "
                                    + orDefault(d.jdbcUser(), "(none)")
                                    + (d.jdbcPassword() == null
                                            ? ""
                                            : ", password from " + d.jdbcPassword()));
                }
                out.println(
                        "  running        "
                                + (n.at("/status/running").asBoolean()
                                        ? "yes, in " + n.at("/status/runningIn").asText()
                                        : "no")
                                + (n.at("/status/lastPass").isMissingNode()
                                        ? ""
                                        : "; last pass " + n.at("/status/lastPass").asText()));
                List<CrawlerRun> last = store.crawlerRuns(d.name(), 1);
                out.println("  last run       " + (last.isEmpty() ? "none" : line(last.get(0))));
                return ExitCodes.OK;
            } catch (CatalogException e) {
                spec.commandLine().getErr().println("crawlers show: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }

        private static String orDefault(String v, String d) {
            return v == null ? d : v.toLowerCase(Locale.ROOT);
        }
    }

    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = {
                "Run one pass of the crawler now, here, and record it; a stopped crawler's"
                        + " schedule resumes.",
                "With --watch, keep running it here on its schedule (every 2 s when on demand)"
                        + " until Ctrl-C."
            })
    static final class Start implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin HomeOption home = new HomeOption();
        @Mixin CatalogAccess access = new CatalogAccess();
        @Mixin S3Access s3 = new S3Access();

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--watch", description = "Keep running it here until Ctrl-C.")
        boolean watch;

        @Option(names = "--max-passes", hidden = true, description = "Stop --watch after N.")
        int maxPasses;

        @Option(names = "--json", description = "Print each recorded run as one JSON line.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path dir = home.resolve();
            try (CatalogService catalog = access.open(dir, err)) {
                CrawlerStore store = catalog.store();
                CrawlerDefinition found = find(store, name);
                if (found.stopped()) {
                    found = store.updateCrawler(name, c -> c.withStopped(false));
                    if (found.scheduled()) {
                        err.println("crawler " + name + ": its schedule resumes");
                    }
                }
                CrawlerDefinition d = found;
                String holder = CrawlerService.holder("cli");
                Optional<CrawlerStore.Lease> elsewhere =
                        CrawlerService.heldElsewhere(store, name, holder);
                if (elsewhere.isPresent()) {
                    out.println(
                            "crawler "
                                    + name
                                    + " runs in "
                                    + elsewhere.get().holder()
                                    + (elsewhere.get().lastPass() == null
                                            ? ""
                                            : " (last pass " + elsewhere.get().lastPass() + ")")
                                    + ", "
                                    + d.scheduleText()
                                    + ". `tributary crawlers runs "
                                    + name
                                    + "` shows what it did");
                    return ExitCodes.OK;
                }
                Optional<CrawlerService.HeldLease> held = CrawlerService.hold(store, name, holder);
                if (held.isEmpty()) {
                    err.println(
                            "crawlers start: crawler "
                                    + name
                                    + " was just taken by another process");
                    return ExitCodes.FAILURE;
                }
                boolean ok = true;
                try (CrawlerService.HeldLease lease = held.get();
                        CrawlerSession session =
                                new CrawlerSession(catalog, d, opener(s3, dir, err), null)) {
                    Duration every = d.scheduled() ? d.schedule() : CrawlerDefinition.CONTINUOUS;
                    int passes = 0;
                    while (true) {
                        CrawlerRun run = session.pass(watch ? "watch" : "manual", passes == 0);
                        passes++;
                        boolean record = passes == 1 || CrawlerSession.worthRecording(run);
                        if (record) {
                            store.putCrawlerRun(run);
                            if (json) {
                                out.println(ModelJson.crawlerRun(run));
                            } else {
                                out.println("crawler " + name + ": " + line(run));
                                run.tablesCreated()
                                        .forEach(t -> out.println("  + " + d.database() + "." + t));
                                run.tablesUpdated()
                                        .forEach(t -> out.println("  ~ " + d.database() + "." + t));
                            }
                            out.flush();
                        }
                        String objects =
                                d.targets().stream()
                                        .filter(t -> !t.startsWith("jdbc:"))
                                        .findFirst()
                                        .orElse(null);
                        syncTwins(
                                catalog,
                                d,
                                run,
                                objects == null ? null : settings(d, objects, s3, dir, err),
                                json ? err::println : out::println);
                        ok = CrawlerRun.SUCCEEDED.equals(run.state()) && run.errors().isEmpty();
                        lease.passed(run.ended());
                        if (!watch || (maxPasses > 0 && passes >= maxPasses)) {
                            break;
                        }
                        Thread.sleep(every.toMillis());
                        CrawlerDefinition now = store.crawler(name).orElse(null);
                        if (now == null || now.stopped()) {
                            err.println("crawler " + name + " was stopped or deleted");
                            break;
                        }
                    }
                }
                return ok ? ExitCodes.OK : ExitCodes.FAILURE;
            } catch (CatalogException | IllegalStateException | IllegalArgumentException e) {
                err.println("crawlers start: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }

    @Command(
            name = "stop",
            mixinStandardHelpOptions = true,
            description =
                    "Pause a crawler's schedule: the process running it ends its current pass and"
                            + " stops; `crawlers start` resumes it.")
    static final class Stop implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin HomeOption home = new HomeOption();
        @Mixin CatalogAccess access = new CatalogAccess();

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (var store = access.store(home.resolve())) {
                find(store, name);
                store.updateCrawler(name, c -> c.withStopped(true));
                Optional<CrawlerStore.Lease> lease = store.crawlerLease(name);
                out.println(
                        "crawler "
                                + name
                                + " stopped"
                                + (lease.isPresent() && lease.get().holder() != null
                                        ? "; " + lease.get().holder() + " ends its current pass"
                                        : ""));
                return ExitCodes.OK;
            } catch (CatalogException e) {
                spec.commandLine().getErr().println("crawlers stop: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }

    @Command(
            name = "runs",
            mixinStandardHelpOptions = true,
            description = "A crawler's run history, newest first.")
    static final class Runs implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin HomeOption home = new HomeOption();
        @Mixin CatalogAccess access = new CatalogAccess();

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--limit", defaultValue = "20", description = "How many (default 20).")
        int limit;

        @Option(names = "--json", description = "As JSON.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (var store = access.store(home.resolve())) {
                find(store, name);
                List<CrawlerRun> runs = store.crawlerRuns(name, limit);
                if (json) {
                    ArrayNode a = CatalogCommand.JSON.createArrayNode();
                    runs.forEach(r -> a.add(ModelJson.crawlerRun(r)));
                    out.println(a);
                } else if (runs.isEmpty()) {
                    out.println("crawler " + name + " has not run yet");
                } else {
                    runs.forEach(r -> out.println(line(r)));
                }
                return ExitCodes.OK;
            } catch (CatalogException e) {
                spec.commandLine().getErr().println("crawlers runs: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description =
                    "Delete a crawler with its runs and state; the tables it made stay in the"
                            + " catalog.")
    static final class Delete implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Mixin HomeOption home = new HomeOption();
        @Mixin CatalogAccess access = new CatalogAccess();

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (var store = access.store(home.resolve())) {
                if (!store.dropCrawler(name)) {
                    spec.commandLine()
                            .getErr()
                            .println("crawlers delete: no crawler named '" + name + "'");
                    return ExitCodes.FAILURE;
                }
                out.println("crawler " + name + " deleted; the tables it made stay");
                return ExitCodes.OK;
            }
        }
    }
}
