package io.tributary.catalog;

import io.tributary.catalog.model.AvroTypes;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Partition;
import io.tributary.catalog.registry.Registry;
import io.tributary.catalog.registry.RegistryException;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.store.CatalogException;
import io.tributary.catalog.store.CatalogStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog as crawlers and jobs use it: tables in a {@link CatalogStore}, every schema of every
 * table as a version in a schema {@link Registry} under the subject {@code <db>.<table>-value}. A
 * table whose schema changed is stored only once the registry accepted the new version, so a
 * refused change leaves the catalog as it was.
 */
public final class CatalogService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogService.class);

    private final CatalogStore store;
    private final Registry registry;
    private final AutoCloseable[] owned;

    /** What a commit did. */
    public record Commit(CatalogTable table, boolean created, boolean newVersion) {}

    /** A schema change the registry refused under the subject's compatibility level. */
    public static final class SchemaChangeRefused extends CatalogException {
        public SchemaChangeRefused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** {@code owned} are closed with this service (the store, an in-process registry...). */
    public CatalogService(CatalogStore store, Registry registry, AutoCloseable... owned) {
        this.store = store;
        this.registry = registry;
        this.owned = owned;
    }

    public CatalogStore store() {
        return store;
    }

    public Registry registry() {
        return registry;
    }

    /** The registry subject holding the versions of a table's schema. */
    public static String subject(String database, String table) {
        return database + "." + table + "-value";
    }

    /**
     * Stores {@code proposed} with its partition changes; when its columns differ from the stored
     * table's (or it is new), first registers the new schema and records its version in the table.
     *
     * @throws SchemaChangeRefused when the registry refuses the schema; nothing was changed
     */
    public Commit commit(
            CatalogTable proposed,
            Collection<Partition> partitions,
            Collection<List<String>> removedPartitions) {
        Optional<CatalogTable> existing = store.table(proposed.database(), proposed.name());
        boolean changed =
                existing.isEmpty()
                        || existing.get().schemaVersion() == 0
                        || !existing.get().rowType().equals(proposed.rowType());
        CatalogTable toStore = proposed;
        if (changed) {
            String subject = subject(proposed.database(), proposed.name());
            String avro =
                    AvroTypes.toAvro(proposed.rowType(), proposed.database(), proposed.name())
                            .toString();
            try {
                registry.register(subject, avro);
            } catch (RegistryException e) {
                if (e.status() == 409) {
                    throw new SchemaChangeRefused(
                            "The new schema of "
                                    + proposed.qualifiedName()
                                    + " was refused by the schema registry, and the catalog was"
                                    + " left as it was. "
                                    + e.getMessage()
                                    + ". Fix the data, or change the subject's compatibility"
                                    + " level (PUT /config/"
                                    + subject
                                    + ") if the change is intended.",
                            e);
                }
                throw new CatalogException(
                        "The schema registry failed registering " + subject + ": " + e.getMessage(),
                        e);
            }
            int version =
                    registry.lookup(subject, avro)
                            .map(SchemaRegistry.Version::version)
                            .orElseThrow(
                                    () ->
                                            new CatalogException(
                                                    "The registry accepted a schema for "
                                                            + subject
                                                            + " but does not find it"));
            toStore = proposed.withSchemaVersion(version, Instant.now());
            LOG.info("{} is at schema version {}", proposed.qualifiedName(), version);
        } else {
            toStore = proposed.withSchemaVersion(existing.get().schemaVersion(), Instant.now());
        }
        store.commit(toStore, partitions, removedPartitions);
        return new Commit(toStore, existing.isEmpty(), changed);
    }

    /** Every registered version of a table's schema, oldest first. */
    public List<SchemaRegistry.Version> versions(String database, String table) {
        String subject = subject(database, table);
        List<SchemaRegistry.Version> out = new ArrayList<>();
        List<Integer> numbers;
        try {
            numbers = registry.versions(subject);
        } catch (RegistryException e) {
            if (e.status() == 404) {
                return out;
            }
            throw e;
        }
        for (int v : numbers) {
            out.add(registry.version(subject, Integer.toString(v)));
        }
        return out;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new CatalogException("Closing the catalog failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
