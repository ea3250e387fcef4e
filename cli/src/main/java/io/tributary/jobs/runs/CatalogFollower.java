package io.tributary.jobs.runs;

import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.connectors.catalog.TributaryCatalogFactory;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.SinkDef;
import io.tributary.jobs.definition.SourceDef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the catalog tables a running pipeline reads ({@code type: catalog} sources) for a schema
 * version the job was not planned with: a crawler found a new column in newer files, or widened
 * one. The job's columns are fixed when it is planned, so {@link PipelineRunner} then stops it with
 * a savepoint and, by the pipeline's {@code schema-evolution}, plans it again on the new version
 * and resumes it ({@code evolve}) or ends the run naming the columns ({@code fail}).
 *
 * <p>Only what the job reads counts: a table's partitions, statistics or properties changing is not
 * a new schema. A table that vanishes or is deprecated while the job runs is logged once and not
 * followed (the job keeps reading what it has).
 */
final class CatalogFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogFollower.class);

    /** What a catalog source's table looked like when the job was planned. */
    private record Planned(
            SourceDef source, String store, String database, String table, Shape shape) {}

    /** The columns (and partition columns) of a table version, by name, as the job reads them. */
    record Shape(int version, Map<String, String> columns) {

        static Shape of(CatalogTable t) {
            Map<String, String> columns = new LinkedHashMap<>();
            for (Column c : t.columns()) {
                columns.put(c.name(), c.type().sql());
            }
            for (Column c : t.partitionKeys()) {
                columns.putIfAbsent(c.name(), c.type().sql());
            }
            return new Shape(t.schemaVersion(), columns);
        }
    }

    /**
     * A table version the job was not planned with.
     *
     * @param source the pipeline's source reading the table
     * @param table {@code database.table}
     * @param from the version the job was planned with
     * @param to the catalog's version now
     * @param added columns the job does not have, with their types
     * @param changed columns whose type changed, as {@code name: old -> new}
     * @param removed columns the catalog no longer has
     */
    record Change(
            String source,
            String table,
            int from,
            int to,
            Map<String, String> added,
            List<String> changed,
            List<String> removed) {

        String describe() {
            List<String> parts = new ArrayList<>();
            if (!added.isEmpty()) {
                List<String> a = new ArrayList<>();
                added.forEach((k, v) -> a.add(k + " " + v));
                parts.add("adds " + String.join(", ", a));
            }
            if (!changed.isEmpty()) {
                parts.add("changes " + String.join(", ", changed));
            }
            if (!removed.isEmpty()) {
                parts.add("no longer has " + String.join(", ", removed));
            }
            return "catalog table "
                    + table
                    + " (source "
                    + source
                    + ") is at schema version "
                    + to
                    + ", the job was planned on version "
                    + from
                    + ": it "
                    + String.join("; ", parts);
        }

        /** The columns named in the change, for an error that names them. */
        List<String> columns() {
            List<String> all = new ArrayList<>(added.keySet());
            changed.forEach(c -> all.add(c.substring(0, c.indexOf(':'))));
            all.addAll(removed);
            return all;
        }
    }

    private final Map<String, CatalogStore> stores = new LinkedHashMap<>();
    private final List<Planned> planned = new ArrayList<>();
    private final Set<String> warned = new HashSet<>();

    private CatalogFollower() {}

    /**
     * The catalog sources of {@code pipeline} as the catalog has them now, which is what a job
     * planned now reads; an empty follower for a pipeline without catalog sources.
     */
    static CatalogFollower planned(PipelineDef pipeline, Path home) {
        CatalogFollower f = new CatalogFollower();
        for (SourceDef s : pipeline.sources()) {
            if (!s.vocabulary().catalog()) {
                continue;
            }
            Map<String, String> o = s.connectorOptions(home);
            String spec = o.get(TributaryCatalogFactory.STORE.key());
            CatalogStore store =
                    f.stores.computeIfAbsent(
                            spec,
                            k ->
                                    CatalogStores.open(
                                            k,
                                            o.get(TributaryCatalogFactory.STORE_USER.key()),
                                            o.get(TributaryCatalogFactory.STORE_PASSWORD.key())));
            String[] name = s.setting("table").split("\\.", 2);
            Optional<CatalogTable> t = store.table(name[0], name[1]);
            // planning fails on a table that is not there, before anything runs
            t.ifPresent(
                    table ->
                            f.planned.add(new Planned(s, spec, name[0], name[1], Shape.of(table))));
        }
        return f;
    }

    /** Whether the job reads any catalog table. */
    boolean follows() {
        return !planned.isEmpty();
    }

    /** The first catalog source whose table is at a version the job was not planned with. */
    Optional<Change> changed() {
        for (Planned p : planned) {
            String qualified = p.database() + "." + p.table();
            Optional<CatalogTable> now;
            try {
                now = stores.get(p.store()).table(p.database(), p.table());
            } catch (RuntimeException e) {
                // the store is briefly unreachable (or closing): look again next time
                return Optional.empty();
            }
            if (now.isEmpty() || now.get().deprecated()) {
                if (warned.add(qualified)) {
                    LOG.warn(
                            "Catalog table {} read by source {} is {}; the job keeps reading what"
                                    + " it has",
                            qualified,
                            p.source().name(),
                            now.isEmpty() ? "gone" : "deprecated");
                }
                continue;
            }
            Shape shape = Shape.of(now.get());
            if (shape.columns().equals(p.shape().columns())) {
                continue;
            }
            Map<String, String> added = new LinkedHashMap<>();
            List<String> changed = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            shape.columns()
                    .forEach(
                            (c, type) -> {
                                String was = p.shape().columns().get(c);
                                if (was == null) {
                                    added.put(c, type);
                                } else if (!was.equals(type)) {
                                    changed.add(c + ": " + was + " -> " + type);
                                }
                            });
            p.shape().columns().keySet().stream()
                    .filter(c -> !shape.columns().containsKey(c))
                    .forEach(removed::add);
            return Optional.of(
                    new Change(
                            p.source().name(),
                            qualified,
                            p.shape().version(),
                            shape.version(),
                            added,
                            changed,
                            removed));
        }
        return Optional.empty();
    }

    /**
     * Whether the pipeline follows a new version by planning again ({@code evolve}, the default)
     * rather than ending the run ({@code fail}): the pipeline's setting, and every sink's.
     */
    static boolean evolves(PipelineDef pipeline) {
        if ("fail".equals(pipeline.settings().schemaEvolution())) {
            return false;
        }
        for (SinkDef s : pipeline.sinks()) {
            if ("fail".equals(s.setting("schema-evolution"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every sink writes by key (upsert): then reading every input again from the start
     * rewrites rows the warehouse already has with the same values, and doubles none.
     */
    static boolean replaySafe(PipelineDef pipeline) {
        for (SinkDef s : pipeline.sinks()) {
            if (s.keys().isEmpty() || !"upsert".equals(s.setting("mode", "upsert"))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        for (CatalogStore s : stores.values()) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("Closing a catalog store: {}", e.toString());
            }
        }
        stores.clear();
    }
}
