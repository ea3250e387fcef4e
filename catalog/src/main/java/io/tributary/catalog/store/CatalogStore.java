package io.tributary.catalog.store;

import io.tributary.catalog.model.CatalogDatabase;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Partition;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where the catalog keeps databases, tables and partitions, durably. Embedded by default (H2 under
 * {@code $TRIBUTARY_HOME/catalog}), or a PostgreSQL database; every implementation passes {@code
 * CatalogStoreContract}. Schema versions live in the schema registry, not here. It keeps the
 * crawlers' definitions, runs and file state ({@link CrawlerStore}) and the pipelines' definitions
 * as their runs ran them ({@link JobDefinitionStore}).
 */
public interface CatalogStore extends CrawlerStore, JobDefinitionStore, AutoCloseable {

    /** Creates a database; fails if it exists unless {@code ignoreIfExists}. */
    void createDatabase(CatalogDatabase database, boolean ignoreIfExists);

    Optional<CatalogDatabase> database(String name);

    List<CatalogDatabase> databases();

    /**
     * Replaces database {@code name} with what {@code change} makes of it, in one transaction (the
     * row locked while it changes); the name stays. Fails when it does not exist.
     */
    CatalogDatabase updateDatabase(String name, UnaryOperator<CatalogDatabase> change);

    /** Drops a database; one that still has tables needs {@code cascade}. */
    void dropDatabase(String name, boolean cascade);

    Optional<CatalogTable> table(String database, String name);

    List<CatalogTable> tables(String database);

    /**
     * Creates or replaces a table and, in the same transaction, upserts {@code partitions} and
     * removes those whose values are in {@code removedPartitions}. The database must exist.
     */
    void commit(
            CatalogTable table,
            Collection<Partition> partitions,
            Collection<List<String>> removedPartitions);

    /** Creates or replaces a table, leaving its partitions as they are. */
    default void putTable(CatalogTable table) {
        commit(table, List.of(), List.of());
    }

    /**
     * Writes {@code table} only if the stored table's property {@code key} still has the value
     * {@code expected}; with {@code expected} null, only if no such table exists yet. Atomic also
     * against other processes: of two writers that read the same value, one wins and the other gets
     * false. This is how a table format that keeps a pointer to its current metadata (an Iceberg
     * table's {@code metadata_location}) commits.
     */
    boolean swapTable(CatalogTable table, String key, String expected);

    /**
     * Renames a table, partitions included, in one transaction; fails if there is no such table or
     * the new name is taken.
     */
    void renameTable(String database, String name, String newDatabase, String newName);

    /** Drops a table and its partitions; false when there was no such table. */
    boolean dropTable(String database, String name);

    /** The partitions of a table, ordered by their values. */
    List<Partition> partitions(String database, String table);

    /**
     * Records a pipeline run, or its new state (the run history, newest first in {@link #runs}).
     */
    void putRun(JobRun run);

    Optional<JobRun> run(String id);

    /**
     * Changes a recorded run atomically, also against other processes (the run's own watcher and a
     * {@code tributary stop} elsewhere): {@code change} sees the stored run and returns the new
     * one. Returns the stored result; fails if there is no such run.
     */
    JobRun updateRun(String id, UnaryOperator<JobRun> change);

    /** Every recorded run, newest start first. */
    List<JobRun> runs();

    /**
     * Keeps data quality results, each replacing the result of the same rule and window (a window
     * evaluated again after a restart).
     */
    void putQualityResults(List<QualityResult> results);

    /**
     * A pipeline's data quality results whose window ended at or after {@code since} (null: all).
     */
    List<QualityResult> qualityResults(String pipeline, java.time.Instant since);

    @Override
    void close();
}
