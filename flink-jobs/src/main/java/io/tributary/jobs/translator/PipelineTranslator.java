package io.tributary.jobs.translator;

import io.tributary.catalog.Quarantines;
import io.tributary.connectors.catalog.TributaryFlinkCatalog;
import io.tributary.jobs.Causes;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineException;
import io.tributary.jobs.definition.Position;
import io.tributary.jobs.definition.SettingsDef;
import io.tributary.jobs.definition.SinkDef;
import io.tributary.jobs.definition.SourceDef;
import io.tributary.jobs.definition.TransformDef;
import io.tributary.jobs.join.DimensionJoin;
import io.tributary.jobs.quality.QualityResultsFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.OptimizerConfigOptions;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;

/**
 * Turns a checked pipeline into ONE Flink job: each source becomes a temporary table (or a view on
 * a catalog table), each transform a temporary view, each sink a temporary table fed by an {@code
 * INSERT} in one statement set, so all sinks share one job, one checkpoint and one bookmark.
 *
 * <pre>
 *   sources ──▶ CREATE TEMPORARY TABLE / VIEW ──▶ transforms (views) ──▶ INSERT INTO sinks
 *                                                                         (one StatementSet)
 * </pre>
 *
 * Sink tables take their columns from the resolved schema of what feeds them, so a pipeline never
 * repeats a schema. The statements are kept (secrets masked) for {@code tributary run --plan}.
 */
public final class PipelineTranslator {

    private static final Pattern SQL_POSITION = Pattern.compile("line (\\d+), column (\\d+)");

    private final PipelineDef pipeline;
    private final Path home;
    private final List<String> plan = new ArrayList<>();

    /** The Flink catalogs this translation created for catalog sources. */
    private final List<String> catalogs = new ArrayList<>();

    /**
     * The PII tags the crawlers put on the columns of the catalog tables this pipeline reads, by
     * column name: what {@code pii: tags:} acts on.
     */
    private final Map<String, String> piiTags = new LinkedHashMap<>();

    /** The guarded views of the sinks whose rulesets have a gate, by sink. */
    private final Map<String, Guards.Guarded> gates = new LinkedHashMap<>();

    private int inserts;

    /** The dimension joins of transforms with {@code join-state: dimension}, by transform. */
    private final Map<String, DimensionJoin.Plan> dimensionJoins = new LinkedHashMap<>();

    /** The INSERTs of rulesets: failing records to their quarantine, window measures. */
    private final List<String> guardInserts = new ArrayList<>();

    /** Every option seen, so a secret never reaches an error message or the plan. */
    private final Map<String, String> secrets = new LinkedHashMap<>();

    /**
     * @param home {@code $TRIBUTARY_HOME}: the default catalog store of catalog sources
     */
    public PipelineTranslator(PipelineDef pipeline, Path home) {
        this.pipeline = pipeline;
        this.home = home;
    }

    /** The Flink configuration of the job: name, parallelism, checkpoints, restarts, state TTL. */
    public static Map<String, String> jobConfiguration(PipelineDef p, String checkpointsUri) {
        SettingsDef s = p.settings();
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("pipeline.name", "tributary: " + p.name());
        conf.put("parallelism.default", Integer.toString(s.parallelism()));
        conf.put("execution.checkpointing.interval", s.checkpointInterval().toMillis() + " ms");
        conf.put("execution.checkpointing.mode", "EXACTLY_ONCE");
        // the bookmark: kept when the job is cancelled or fails for good, so a run resumes from it
        conf.put("state.checkpoints.dir", checkpointsUri);
        conf.put(
                "state.savepoints.dir",
                checkpointsUri.replaceAll("/checkpoints/?$", "") + "/savepoints");
        conf.put(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        conf.put("state.checkpoints.num-retained", "3");
        SettingsDef.RestartDef r = s.restart();
        conf.put("restart-strategy.type", r.strategy());
        if (r.strategy().equals("fixed-delay")) {
            conf.put("restart-strategy.fixed-delay.attempts", Integer.toString(r.attempts()));
            conf.put("restart-strategy.fixed-delay.delay", r.delay().toMillis() + " ms");
        } else if (r.strategy().equals("exponential-delay")) {
            conf.put(
                    "restart-strategy.exponential-delay.attempts-before-reset-backoff",
                    Integer.toString(r.attempts()));
            conf.put(
                    "restart-strategy.exponential-delay.initial-backoff",
                    r.delay().toMillis() + " ms");
        }
        if (s.stateTtl() != null) {
            conf.put("table.exec.state.ttl", s.stateTtl().toMillis() + " ms");
        }
        if ("rocksdb".equals(s.stateBackend())) {
            // a join's state beyond what the heap holds: on local disk, and each checkpoint
            // uploads only the files changed since the last one
            conf.put("state.backend.type", "rocksdb");
            conf.put("state.backend.incremental", "true");
        } else if ("heap".equals(s.stateBackend())) {
            conf.put("state.backend.type", "hashmap");
        }
        // records handed from one chained operator to the next are not copied (each branch of a
        // ruleset's check would get a copy of every record); every operator of the job keeps
        // what it holds past a record as a copy, or serialized (the gate, the writers, Flink's
        // own operators, state read over the network). settings.flink may turn it off.
        conf.put("pipeline.object-reuse", "true");
        conf.putAll(s.flink());
        return conf;
    }

    /**
     * Declares the pipeline's tables and views in {@code env} and returns the statement set whose
     * {@code execute()} submits the job. A statement Flink refuses becomes a {@link
     * PipelineException} at the source, transform or sink it came from.
     */
    public StatementSet translate(TableEnvironment env) {
        for (SourceDef s : pipeline.sources()) {
            source(env, s);
        }
        for (TransformDef t : pipeline.transforms()) {
            transform(env, t);
        }
        if (guarded()
                || transformFeedsSeveralSinks()
                || pipeline.transforms().stream().anyMatch(TransformDef::dimensionJoin)) {
            // a view feeding several INSERTs (two sinks and their quarantines, a ruleset's
            // checked view and its quarantines) is optimized once, as a block of its own: per
            // INSERT the planner would fold each one's filter (a sink's keys IS NOT NULL, a
            // quarantine's NOT) into a copy of the view, and the reference pipeline would join
            // every order three times, each join with its own state of every order. Not for a
            // source read by several sinks (nothing stateful to copy): there a block boundary
            // would hand an upsert sink the UPDATE_BEFORE rows another sink asks for, and
            // upsert-kafka writes each as a tombstone. A dimension join's view (insert-only) feeds
            // its sink and the sink's quarantine: unnested and projected once, not per INSERT
            env.getConfig()
                    .set(
                            OptimizerConfigOptions
                                    .TABLE_OPTIMIZER_REUSE_OPTIMIZE_BLOCK_WITH_DIGEST_ENABLED,
                            true);
        }
        StatementSet set = env.createStatementSet();
        Map<SinkDef, ChangePaths.ChangePath> changePaths = new IdentityHashMap<>();
        Map<SinkDef, String> inputs = new IdentityHashMap<>();
        for (SinkDef s : pipeline.sinks()) {
            inputs.put(s, s.from());
            if (s.quality() != null || s.pii() != null) {
                inputs.put(
                        s,
                        guard(
                                env,
                                s.name() + "__guarded",
                                s.from(),
                                s.quality(),
                                s.pii(),
                                "sink",
                                s.name(),
                                s.at()));
            }
        }
        ChangePaths.of(pipeline).forEach(c -> changePaths.put(c.sink(), c));
        for (SinkDef s : pipeline.sinks()) {
            ChangePaths.ChangePath changePath = changePaths.get(s);
            if (changePath != null) {
                // built on the DataStream API by ChangePaths.attach: it follows the columns
                checkReadable(env, changePath.source());
                Map<String, String> options = s.connectorOptions(home);
                keepSecrets(options);
                plan.add(
                        Sql.masked(
                                ChangePaths.planLine(changePath)
                                        + "\n-- "
                                        + Sql.with(options).replace("\n", "\n-- "),
                                secrets));
                continue;
            }
            inserts++;
            String from = inputs.get(s);
            Guards.Guarded gate = gates.get(s.name());
            String table = gate == null ? sink(env, s, from) : gatedSink(env, s, gate);
            String insert =
                    "INSERT INTO "
                            + Sql.id(table)
                            + " SELECT * FROM "
                            + (gate == null ? Sql.id(from) : "(" + gate.gateFrom() + ") AS gated");
            String quarantine = null;
            if (!s.keys().isEmpty() && !"fail".equals(pipeline.settings().badRecords())) {
                // a row without a key cannot be written by key: it goes to the quarantine with
                // its reason, where the planner's not-null check would fail the job on it
                String keyed =
                        s.keys().stream()
                                .map(k -> Sql.id(k) + " IS NOT NULL")
                                .collect(Collectors.joining(" AND "));
                if (dimensionJoins.containsKey(s.from().toLowerCase(Locale.ROOT))) {
                    // a dimension's change carries the dimension's key, not the row's
                    keyed =
                            "("
                                    + keyed
                                    + ") OR COALESCE("
                                    + Sql.id(
                                            io.tributary.connectors.changes.DimensionChanges
                                                    .CHANGE_COLUMN)
                                    + ", FALSE)";
                }
                insert += " WHERE " + keyed;
                String keyless = taggedMasked(env, from);
                quarantine =
                        "INSERT INTO "
                                + Sql.id(quarantineSink(env, s, keyless))
                                + " "
                                + keyless
                                + " WHERE NOT ("
                                + keyed
                                + ")";
            }
            plan.add(insert + ";");
            if (quarantine != null) {
                plan.add(quarantine + ";");
            }
            try {
                set.addInsertSql(insert);
                if (quarantine != null) {
                    set.addInsertSql(quarantine);
                }
            } catch (RuntimeException e) {
                throw new PipelineException(
                        s.at(),
                        "cannot be fed from '"
                                + s.from()
                                + "': "
                                + Sql.redacted(Causes.innermost(e), secrets));
            }
        }
        for (String q : guardInserts) {
            plan.add(q + ";");
            try {
                set.addInsertSql(q);
            } catch (RuntimeException e) {
                throw new PipelineException(
                        new Position(pipeline.file(), 0, ""),
                        "a ruleset's quarantine or results cannot be fed: "
                                + Sql.redacted(Causes.innermost(e), secrets));
            }
        }
        return set;
    }

    private boolean guarded() {
        return pipeline.transforms().stream().anyMatch(t -> t.quality() != null)
                || pipeline.sinks().stream().anyMatch(t -> t.quality() != null);
    }

    /** Whether some transform is the {@code from} of two sinks or more. */
    private boolean transformFeedsSeveralSinks() {
        Set<String> transforms =
                pipeline.transforms().stream()
                        .map(t -> t.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.toSet());
        Map<String, Long> fed =
                pipeline.sinks().stream()
                        .map(s -> s.from().toLowerCase(Locale.ROOT))
                        .filter(transforms::contains)
                        .collect(Collectors.groupingBy(f -> f, Collectors.counting()));
        return fed.values().stream().anyMatch(n -> n > 1);
    }

    /**
     * Declares {@code view} as {@code input} under a ruleset and pii actions; returns the view.
     * Records failing the ruleset with action quarantine go to {@code element}'s quarantine.
     */
    private String guard(
            TableEnvironment env,
            String view,
            String input,
            io.tributary.jobs.definition.QualityDef quality,
            io.tributary.jobs.definition.PiiDef pii,
            String kind,
            String element,
            Position at) {
        if (quality != null && quality.gates() && !kind.equals("sink")) {
            throw new PipelineException(
                    quality.at().child("gate", quality.at().line()),
                    "holds a window's rows back from a sink: put the ruleset with its gate on"
                            + " the sink (or on each sink) it guards");
        }
        Guards.Guarded g =
                Guards.declare(
                        env,
                        view,
                        input,
                        quality,
                        pii,
                        piiTags::get,
                        pipeline.name() + "/" + element,
                        at,
                        (statement, where) -> execute(env, statement, Map.of(), where, 0));
        if (g.quarantineFrom() != null) {
            ResolvedSchema schema = env.sqlQuery(g.quarantineFrom()).getResolvedSchema();
            Map<String, String> options = new LinkedHashMap<>();
            options.put("connector", "tributary-quarantine");
            options.put("path", sinkQuarantine(home, pipeline.name(), element));
            options.put("sink", kind + " " + element + " of pipeline " + pipeline.name());
            options.put("reason-column", Guards.FAILED_RULES);
            String table =
                    createTable(
                            env,
                            "dq_quarantine_" + kind + "_" + element,
                            nullableColumns(schema),
                            options,
                            at);
            guardInserts.add("INSERT INTO " + Sql.id(table) + " " + g.quarantineFrom());
        }
        if (g.measuredFrom() != null) {
            ResolvedSchema schema = env.sqlQuery(g.measuredFrom()).getResolvedSchema();
            Map<String, String> options = new LinkedHashMap<>();
            options.put("connector", QualityResultsFactory.IDENTIFIER);
            String store = System.getenv("TRIBUTARY_CATALOG_STORE");
            options.put(
                    "store",
                    store == null || store.isBlank() ? home.resolve("catalog").toString() : store);
            String password = System.getenv("TRIBUTARY_CATALOG_STORE_PASSWORD");
            if (password != null && store != null && !store.isBlank()) {
                options.put("store-password", password);
            }
            options.put("pipeline", pipeline.name());
            options.put("ruleset", pipeline.name() + "/" + element);
            options.put("rules", quality.text());
            String table =
                    createTable(
                            env,
                            "dq_results_" + kind + "_" + element,
                            nullableColumns(schema),
                            options,
                            at);
            guardInserts.add("INSERT INTO " + Sql.id(table) + " " + g.measuredFrom());
        }
        if (quality != null && quality.gates()) {
            gates.put(element, g);
        }
        return g.view();
    }

    /**
     * Sink {@code s} behind its ruleset's gate: a {@code tributary-quality-gate} table fed by every
     * record of the ruleset ({@link Guards.Guarded#gateFrom}) whose inner connector is the sink's.
     */
    private String gatedSink(TableEnvironment env, SinkDef s, Guards.Guarded g) {
        ResolvedSchema schema = env.sqlQuery(g.gateFrom()).getResolvedSchema();
        checkKeys(s, schema);
        List<String> parts = nullableColumns(schema);
        primaryKey(parts, s);
        Map<String, String> options = new LinkedHashMap<>();
        options.put("connector", io.tributary.jobs.quality.QualityGateFactory.IDENTIFIER);
        s.connectorOptions(home)
                .forEach(
                        (k, v) ->
                                options.put(
                                        io.tributary.jobs.quality.QualityGateFactory.INNER + k, v));
        options.put("gate.what", pipeline.name() + "/" + s.name());
        options.put("gate.rules", s.quality().text());
        options.put("gate.policy", s.quality().gate());
        options.put("gate.max-held-rows", Integer.toString(s.quality().maxHeld()));
        options.put("gate.forward-failed", Boolean.toString(s.quality().action().equals("flag")));
        options.put("gate.sink-columns", Integer.toString(g.gateSinkColumns()));
        options.put("quarantine.path", sinkQuarantine(home, pipeline.name(), s.name()));
        options.put("quarantine.sink", "sink " + s.name() + " of pipeline " + pipeline.name());
        return createTable(env, "sink_" + s.name(), parts, options, s.at());
    }

    /**
     * How many sinks the statement set of {@link #translate} feeds; the others are change paths
     * ({@link ChangePaths}), to attach to a stream environment.
     */
    public int inserts() {
        return inserts;
    }

    /** {@code text} with the values of the pipeline's secret options as {@code ******}. */
    public String redact(String text) {
        return Sql.redacted(text, secrets);
    }

    /** The statements {@link #translate} ran, secrets masked: what {@code --plan} prints. */
    public List<String> plan() {
        return List.copyOf(plan);
    }

    /**
     * Plans a read of a source no SQL statement reads (a change path's), so that what Flink's
     * connector refuses in its options is an error at the source, as for any other.
     */
    private void checkReadable(TableEnvironment env, SourceDef source) {
        try {
            env.explainSql("SELECT * FROM " + Sql.id(source.name()));
        } catch (RuntimeException e) {
            throw new PipelineException(
                    source.at(), "cannot be read: " + Sql.redacted(Causes.innermost(e), secrets));
        }
    }

    /** Remembers the secret values among {@code options}, to mask them wherever they show. */
    private void keepSecrets(Map<String, String> options) {
        options.forEach(
                (k, v) -> {
                    if (Sql.isSecret(k)) {
                        secrets.put(k + "#" + secrets.size(), v);
                    }
                });
    }

    private void execute(
            TableEnvironment env,
            String statement,
            Map<String, String> options,
            Position at,
            int sqlLine) {
        keepSecrets(options);
        plan.add(Sql.masked(statement, secrets) + ";");
        try {
            env.executeSql(statement);
        } catch (RuntimeException e) {
            String message = Causes.innermost(e);
            Position where = at;
            Matcher m = SQL_POSITION.matcher(Causes.all(e));
            if (sqlLine > 0 && m.find()) {
                // the statement's first line is CREATE ... AS, the query starts on the next
                where =
                        new Position(
                                at.file(),
                                sqlLine + Integer.parseInt(m.group(1)) - 2,
                                at.key() + ".sql");
            }
            // no cause: Flink's messages list table options, secrets included
            throw new PipelineException(where, Sql.redacted(message, secrets));
        }
    }

    private void source(TableEnvironment env, SourceDef s) {
        if (s.vocabulary().catalog()) {
            catalogSource(env, s);
            return;
        }
        if (s.type().equals("cdc") && actsOnTags()) {
            crawledTags(s);
        }
        Map<String, String> options = s.connectorOptions(home);
        StringBuilder ddl =
                new StringBuilder("CREATE TEMPORARY TABLE ")
                        .append(Sql.id(s.name()))
                        .append(" (\n");
        List<String> parts = new ArrayList<>();
        s.columns().forEach((c, type) -> parts.add("  " + Sql.id(c) + " " + type));
        if (!s.primaryKey().isEmpty()) {
            parts.add(
                    "  PRIMARY KEY ("
                            + s.primaryKey().stream().map(Sql::id).collect(Collectors.joining(", "))
                            + ") NOT ENFORCED");
        }
        ddl.append(String.join(",\n", parts)).append("\n)");
        if (!s.partitionKeys().isEmpty()) {
            ddl.append(" PARTITIONED BY (")
                    .append(
                            s.partitionKeys().stream()
                                    .map(Sql::id)
                                    .collect(Collectors.joining(", ")))
                    .append(")");
        }
        ddl.append(" ").append(Sql.with(options));
        execute(env, ddl.toString(), options, s.at(), 0);
    }

    /** Whether a {@code pii:} block of the pipeline acts on the crawlers' tags. */
    private boolean actsOnTags() {
        return java.util.stream.Stream.concat(
                        pipeline.transforms().stream().map(TransformDef::pii),
                        pipeline.sinks().stream().map(SinkDef::pii))
                .anyMatch(p -> p != null && !p.tags().isEmpty());
    }

    /**
     * The tags a JDBC crawler put on the table CDC source {@code s} reads (the catalog table whose
     * {@code jdbc.database}, {@code jdbc.table} and server are the source's), for {@code pii:
     * tags:}; none when the catalog store is out of reach or no crawler read the table.
     */
    private void crawledTags(SourceDef s) {
        String table = s.setting("table");
        String url = s.setting("url");
        if (table == null || url == null || !table.contains(".")) {
            return;
        }
        String database = table.substring(0, table.indexOf('.'));
        String name = table.substring(table.indexOf('.') + 1);
        String spec = System.getenv("TRIBUTARY_CATALOG_STORE");
        String password = System.getenv("TRIBUTARY_CATALOG_STORE_PASSWORD");
        try (io.tributary.catalog.store.CatalogStore store =
                spec == null || spec.isBlank()
                        ? io.tributary.catalog.store.CatalogStores.embedded(home.resolve("catalog"))
                        : io.tributary.catalog.store.CatalogStores.open(spec, null, password)) {
            for (var db : store.databases()) {
                for (var t : store.tables(db.name())) {
                    Map<String, String> p = t.properties();
                    if (database.equals(p.get("jdbc.database"))
                            && name.equals(p.get("jdbc.table"))
                            && server(url).equals(server(p.getOrDefault("jdbc.url", "")))) {
                        io.tributary.catalog.pii.PiiCounts.tagsOf(p)
                                .forEach((c, tag) -> piiTags.putIfAbsent(c, tag.type().name()));
                    }
                }
            }
        } catch (RuntimeException e) {
            // no catalog store here (a cluster that reaches none): the source has no tags
        }
    }

    /** The host and port of a JDBC URL ({@code jdbc:mysql://h:3306/db} gives {@code h:3306}). */
    private static String server(String jdbcUrl) {
        Matcher m = Pattern.compile("//(?:[^/@]*@)?([^/?;]+)").matcher(jdbcUrl);
        return m.find() ? m.group(1).toLowerCase(java.util.Locale.ROOT) : "";
    }

    /**
     * Closes the catalogs the translation opened for catalog sources (each holds its store open: an
     * embedded store's lock and watchdog): once the job is submitted, it needs none of them.
     */
    public void closeCatalogs(TableEnvironment env) {
        for (String name : catalogs) {
            env.getCatalog(name)
                    .ifPresent(
                            c -> {
                                try {
                                    c.close();
                                } catch (RuntimeException e) {
                                    // closing a store that is already gone
                                }
                            });
        }
    }

    private void catalogSource(TableEnvironment env, SourceDef s) {
        String catalog = "tributary_" + s.name();
        catalogs.add(catalog);
        Map<String, String> options = s.connectorOptions(home);
        execute(
                env,
                "CREATE CATALOG " + Sql.id(catalog) + " " + Sql.with(options),
                options,
                s.at(),
                0);
        String[] table = s.setting("table").split("\\.");
        io.tributary.catalog.model.CatalogTable stored =
                checkCatalogTable(env, catalog, s, table[0], table[1]);
        if (stored != null) {
            io.tributary.catalog.pii.PiiCounts.tagsOf(stored.properties())
                    .forEach((c, tag) -> piiTags.putIfAbsent(c, tag.type().name()));
        }
        String hint = "";
        String interval = s.setting("scan-interval");
        if (interval != null && stored != null && readsFiles(stored)) {
            // the table's options are the catalog's; a hint sets the listing interval on top
            String t = interval.trim();
            long millis =
                    (t.startsWith("P") || t.startsWith("p")
                                    ? java.time.Duration.parse(t)
                                    : org.apache.flink.util.TimeUtils.parseDuration(t))
                            .toMillis();
            hint = " /*+ OPTIONS('scan.interval'='" + millis + "ms') */";
        }
        String view =
                "CREATE TEMPORARY VIEW "
                        + Sql.id(s.name())
                        + " AS SELECT * FROM "
                        + Sql.id(catalog)
                        + "."
                        + Sql.id(table[0])
                        + "."
                        + Sql.id(table[1])
                        + hint;
        execute(env, view, Map.of(), s.at(), 0);
    }

    /** Whether the table is files the tributary-s3 source lists (its options take a hint). */
    private static boolean readsFiles(io.tributary.catalog.model.CatalogTable t) {
        return switch (t.format()) {
            case JSON, CSV, PARQUET, AVRO -> true;
            default -> false;
        };
    }

    /**
     * A catalog source's table is there and not deprecated, else an error at the source naming the
     * table and the fix, before Flink's own (which lists the catalog's options); returns the
     * catalog's record of the table (null from a catalog other than Tributary's).
     */
    private io.tributary.catalog.model.CatalogTable checkCatalogTable(
            TableEnvironment env, String catalog, SourceDef s, String database, String table) {
        Optional<Catalog> c = env.getCatalog(catalog);
        if (c.isEmpty() || !(c.get() instanceof TributaryFlinkCatalog tributary)) {
            return null;
        }
        Optional<io.tributary.catalog.model.CatalogTable> t;
        List<String> tables;
        try {
            t = tributary.stored(database, table);
            tables = t.isPresent() ? List.of() : tributary.tableNames(database);
        } catch (RuntimeException e) {
            throw new PipelineException(
                    s.at(),
                    "the catalog store cannot be read: "
                            + Sql.redacted(Causes.innermost(e), secrets));
        }
        // a store's URL without its parameters: a password may be among them
        String where =
                s.setting("store") == null
                        ? ""
                        : " (store " + s.setting("store").replaceAll("\\?.*", "") + ")";
        if (t.isEmpty()) {
            throw new PipelineException(
                    s.at().child("table", s.at().line()),
                    "table "
                            + database
                            + "."
                            + table
                            + " is not in the catalog"
                            + where
                            + (tables.isEmpty()
                                    ? ", which has no tables in database " + database
                                    : "; database "
                                            + database
                                            + " has "
                                            + String.join(", ", tables))
                            + ". Crawl its data first: tributary crawlers create <name> --target"
                            + " s3://...|jdbc:... --database "
                            + database
                            + ", then tributary crawlers start <name>");
        }
        if (t.get().deprecated()) {
            throw new PipelineException(
                    s.at().child("table", s.at().line()),
                    "table "
                            + database
                            + "."
                            + table
                            + " is deprecated in the catalog"
                            + where
                            + ": its crawler no longer finds its data at "
                            + t.get().location()
                            + ". Restore the data and crawl again, or read another table");
        }
        return t.get();
    }

    private void transform(TableEnvironment env, TransformDef t) {
        String query;
        if (t.sql() != null) {
            query = t.sql().strip();
            if (query.endsWith(";")) {
                query = query.substring(0, query.length() - 1);
            }
        } else {
            query = mappingQuery(env, t);
        }
        boolean dimension = t.dimensionJoin();
        if (dimension) {
            query = dimensionJoin(env, t, query);
        }
        boolean guarded = t.quality() != null || t.pii() != null;
        // a dimension join's select is a view of its own, whose rows the transform's view holds
        String name = dimension ? t.name() + "__select" : guarded ? t.name() + "__raw" : t.name();
        execute(
                env,
                "CREATE TEMPORARY VIEW " + Sql.id(name) + " AS\n" + query,
                Map.of(),
                t.at(),
                t.sql() != null ? t.sqlLine() : 0);
        if (dimension) {
            DimensionJoin.computeOnce((StreamTableEnvironment) env, name, t.name());
            plan.add(
                    "-- "
                            + t.name()
                            + ": the rows of "
                            + name
                            + ", computed once for all its sinks");
        } else if (guarded) {
            guard(env, t.name(), name, t.quality(), t.pii(), "transform", t.name(), t.at());
        }
    }

    /**
     * Declares the dimension join of {@code t} ({@link DimensionJoin}) and returns the query its
     * view runs instead of {@code query}. Whatever it cannot serve is an error at {@code
     * join-state}, with the reason.
     */
    private String dimensionJoin(TableEnvironment env, TransformDef t, String query) {
        Position at = t.joinStateAt();
        if (!(env instanceof StreamTableEnvironment streams)) {
            throw new PipelineException(
                    at, "join-state: dimension needs a stream table environment (tributary run)");
        }
        if (t.quality() != null || t.pii() != null) {
            throw new PipelineException(
                    at,
                    "join-state: dimension does not take a quality or pii block on its transform"
                            + " yet: put them on a source or an earlier transform");
        }
        String name = t.name().toLowerCase(Locale.ROOT);
        Pattern mention =
                Pattern.compile(
                        "(?i)(?<![A-Za-z0-9_])" + Pattern.quote(t.name()) + "(?![A-Za-z0-9_])");
        for (TransformDef other : pipeline.transforms()) {
            if (other != t
                    && ((other.from() != null && other.from().toLowerCase(Locale.ROOT).equals(name))
                            || (other.sql() != null && mention.matcher(other.sql()).find()))) {
                throw new PipelineException(
                        at,
                        "join-state: dimension feeds its sinks only; transform '"
                                + other.name()
                                + "' reads it");
            }
        }
        int sinks = 0;
        for (SinkDef s : pipeline.sinks()) {
            if (!s.from().toLowerCase(Locale.ROOT).equals(name)) {
                continue;
            }
            sinks++;
            if (!s.type().equals("redshift") && !s.type().equals("lake")) {
                throw new PipelineException(
                        at,
                        "join-state: dimension applies a customer's change to the rows already"
                                + " loaded, in the warehouse's commit or the lake's; sink '"
                                + s.name()
                                + "' (type "
                                + s.type()
                                + ") cannot: use join-state: full");
            }
            if (s.keys().isEmpty() || s.quality() != null || s.pii() != null) {
                throw new PipelineException(
                        at,
                        "join-state: dimension needs sink '"
                                + s.name()
                                + "' to write by keys, without a quality or pii block of its own");
            }
        }
        if (sinks == 0) {
            throw new PipelineException(at, "join-state: dimension needs a warehouse or lake sink");
        }
        String joined = t.name() + "__dimension_join";
        DimensionJoin.Plan p;
        try {
            p = DimensionJoin.plan(streams, query, joined);
        } catch (DimensionJoin.Refused e) {
            throw new PipelineException(
                    at, "join-state: dimension cannot serve this query: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new PipelineException(
                    t.at(),
                    "cannot plan the dimension join: "
                            + Sql.redacted(Causes.innermost(e), secrets));
        }
        for (SinkDef s : pipeline.sinks()) {
            if (s.from().toLowerCase(Locale.ROOT).equals(name)) {
                for (String k : s.keys()) {
                    if (!p.factColumns().contains(k)) {
                        throw new PipelineException(
                                s.at().child("keys", s.at().line()),
                                "'"
                                        + k
                                        + "' is not a column of the facts alone ("
                                        + String.join(", ", p.factColumns())
                                        + "): a dimension's change cannot move a row's key");
                    }
                }
            }
        }
        DimensionJoin.attach(streams, p, joined, "tributary-dimension-join-" + t.name());
        dimensionJoins.put(name, p);
        plan.add(
                "-- "
                        + t.name()
                        + ": join-state dimension: "
                        + p.facts()
                        + " keyed by "
                        + p.factJoinColumn()
                        + " meets "
                        + p.dimension()
                        + " keyed by "
                        + p.dimJoinColumn()
                        + " in a DataStream operator that keeps the dimension only ("
                        + joined
                        + "); a change rewrites "
                        + String.join(", ", p.dimensionColumns())
                        + " of the loaded rows with that "
                        + p.keyColumn()
                        + " in the warehouse commit");
        return p.rewritten();
    }

    /** Glue's ApplyMapping / ResolveChoice / Filter as one SELECT over the input. */
    private String mappingQuery(TableEnvironment env, TransformDef t) {
        ResolvedSchema input;
        try {
            input = env.from(Sql.id(t.from())).getResolvedSchema();
        } catch (RuntimeException e) {
            throw new PipelineException(
                    t.at(),
                    "cannot read '"
                            + t.from()
                            + "': "
                            + Sql.redacted(Causes.innermost(e), secrets));
        }
        List<String> names = input.getColumnNames();
        List<String> select = new ArrayList<>();
        if (t.mappings().isEmpty()) {
            for (String c : names) {
                String type = t.resolveChoice().get(c);
                select.add(
                        type == null
                                ? Sql.id(c)
                                : "CAST(" + Sql.id(c) + " AS " + type + ") AS " + Sql.id(c));
            }
            for (String c : t.resolveChoice().keySet()) {
                if (!names.contains(c)) {
                    throw new PipelineException(
                            t.at().child("resolve-choice", t.at().line()),
                            "'"
                                    + c
                                    + "' is not a column of '"
                                    + t.from()
                                    + "' ("
                                    + String.join(", ", names)
                                    + ")");
                }
            }
        } else {
            for (TransformDef.MappingDef m : t.mappings()) {
                String expr =
                        names.contains(m.source()) ? Sql.id(m.source()) : "(" + m.source() + ")";
                String type = m.type() != null ? m.type() : t.resolveChoice().get(m.target());
                select.add(
                        (type == null ? expr : "CAST(" + expr + " AS " + type + ")")
                                + " AS "
                                + Sql.id(m.target()));
            }
        }
        String q = "SELECT " + String.join(", ", select) + " FROM " + Sql.id(t.from());
        if (t.filter() != null && !t.filter().isBlank()) {
            String where = " WHERE " + t.filter();
            try {
                env.sqlQuery("SELECT * FROM " + Sql.id(t.from()) + where);
            } catch (RuntimeException e) {
                throw new PipelineException(
                        t.filterAt(),
                        Sql.redacted(Causes.innermost(e), secrets)
                                + " (a filter reads the columns of '"
                                + t.from()
                                + "' before the mappings: "
                                + String.join(", ", names)
                                + ")");
            }
            q += where;
        }
        return q;
    }

    /**
     * Where {@code tributary quarantine list <pipeline>.<sink>} finds the rows sink {@code s}
     * cannot take: {@code $TRIBUTARY_HOME/quarantine/<pipeline>/<sink>/}.
     */
    public static String sinkQuarantine(Path home, String pipeline, String sink) {
        return Quarantines.forTable(home.resolve("quarantine").toUri().toString(), pipeline, sink);
    }

    /**
     * {@code SELECT * FROM from}, where a column a crawler tagged as personal data is {@code [TAG]}
     * instead (what a quarantine keeps of a table with tags, masked by the pii block or not).
     */
    private String taggedMasked(TableEnvironment env, String from) {
        List<String> columns = new ArrayList<>();
        boolean tagged = false;
        for (org.apache.flink.table.catalog.Column c :
                env.from(Sql.id(from)).getResolvedSchema().getColumns()) {
            if (!c.isPhysical()) {
                continue;
            }
            String tag = piiTags.get(c.getName());
            String id = Sql.id(c.getName());
            if (tag == null) {
                columns.add(id);
            } else {
                tagged = true;
                columns.add(Sql.taggedAs(id, tag));
            }
        }
        return "SELECT " + (tagged ? String.join(", ", columns) : "*") + " FROM " + Sql.id(from);
    }

    /** The quarantine table of sink {@code s}, of the columns of {@code query}. */
    private String quarantineSink(TableEnvironment env, SinkDef s, String query) {
        ResolvedSchema schema = env.sqlQuery(query).getResolvedSchema();
        List<String> parts = nullableColumns(schema);
        Map<String, String> options = new LinkedHashMap<>();
        options.put("connector", "tributary-quarantine");
        options.put("path", sinkQuarantine(home, pipeline.name(), s.name()));
        options.put("sink", "sink " + s.name() + " of pipeline " + pipeline.name());
        options.put("keys", String.join(";", s.keys()));
        return createTable(env, "quarantine_" + s.name(), parts, options, s.at());
    }

    /** {@code CREATE TEMPORARY TABLE table (parts) WITH (options)}, errors at {@code at}. */
    private String createTable(
            TableEnvironment env,
            String table,
            List<String> parts,
            Map<String, String> options,
            Position at) {
        String ddl =
                "CREATE TEMPORARY TABLE "
                        + Sql.id(table)
                        + " (\n"
                        + String.join(",\n", parts)
                        + "\n) "
                        + Sql.with(options);
        execute(env, ddl, options, at, 0);
        return table;
    }

    /** The physical columns of {@code schema} as DDL lines, every one nullable. */
    private static List<String> nullableColumns(ResolvedSchema schema) {
        List<String> parts = new ArrayList<>();
        for (Column c : schema.getColumns()) {
            if (c.isPhysical()) {
                parts.add(
                        "  "
                                + Sql.id(c.getName())
                                + " "
                                + c.getDataType()
                                        .getLogicalType()
                                        .copy(true)
                                        .asSerializableString());
            }
        }
        return parts;
    }

    private String sink(TableEnvironment env, SinkDef s, String from) {
        ResolvedSchema schema;
        try {
            schema = env.from(Sql.id(from)).getResolvedSchema();
        } catch (RuntimeException e) {
            throw new PipelineException(
                    s.at(),
                    "cannot read '"
                            + s.from()
                            + "': "
                            + Sql.redacted(Causes.innermost(e), secrets));
        }
        checkKeys(s, schema);
        String table = "sink_" + s.name();
        List<String> parts = nullableColumns(schema);
        Map<String, String> options = s.connectorOptions(home);
        DimensionJoin.Plan dim = dimensionJoins.get(from.toLowerCase(Locale.ROOT));
        if (dim == null) {
            primaryKey(parts, s);
        } else {
            // a dimension's change has no row key: the keys go as an option, not as a primary
            // key the planner would hold NOT NULL
            options.putAll(dim.sinkOptions(s.keys()));
        }
        return createTable(env, table, parts, options, s.at());
    }

    /** The sink's keys, if any, as the table's primary key (the sink writes by key). */
    private static void primaryKey(List<String> parts, SinkDef s) {
        if (!s.keys().isEmpty()) {
            parts.add(
                    "  PRIMARY KEY ("
                            + s.keys().stream().map(Sql::id).collect(Collectors.joining(", "))
                            + ") NOT ENFORCED");
        }
    }

    /** The sink's keys are columns of what it reads, else an error at its keys. */
    private void checkKeys(SinkDef s, ResolvedSchema schema) {
        for (String k : s.keys()) {
            if (!schema.getColumnNames().contains(k)) {
                throw new PipelineException(
                        s.at().child("keys", s.at().line()),
                        "'"
                                + k
                                + "' is not a column of '"
                                + s.from()
                                + "' ("
                                + String.join(", ", schema.getColumnNames())
                                + ")");
            }
        }
    }
}
