package io.tributary.catalog.iceberg;

import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.store.CatalogException;
import io.tributary.catalog.store.CatalogStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.BaseMetastoreTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.FileIO;

/**
 * One Iceberg table's commits against the catalog store: the table row holds the pointer to the
 * current metadata file, and a commit moves it with the store's compare-and-set, so of two writers
 * that started from the same metadata exactly one wins; the loser's metadata file is deleted, never
 * left dangling, and Iceberg retries its commit on the new base.
 */
final class StoreTableOperations extends BaseMetastoreTableOperations {

    /** Properties of the catalog row that summarise the Iceberg table for {@code describe}. */
    static final String SNAPSHOT_ID = "iceberg.current-snapshot-id";

    static final String SNAPSHOTS = "iceberg.snapshots";
    static final String PARTITION_SPEC = "iceberg.partition-spec";
    static final String FORMAT_VERSION = "iceberg.format-version";
    static final String TOTAL_RECORDS = "iceberg.total-records";
    static final String TOTAL_FILES = "iceberg.total-data-files";

    private final CatalogStore store;
    private final FileIO io;
    private final String database;
    private final String table;

    StoreTableOperations(CatalogStore store, FileIO io, String database, String table) {
        this.store = store;
        this.io = io;
        this.database = database;
        this.table = table;
    }

    @Override
    protected String tableName() {
        return database + "." + table;
    }

    @Override
    public FileIO io() {
        return io;
    }

    /** The row of this table if it is an Iceberg table. */
    static Optional<CatalogTable> icebergRow(CatalogStore store, String database, String table) {
        return store.table(database, table).filter(t -> t.format() == TableFormat.ICEBERG);
    }

    @Override
    protected void doRefresh() {
        String location =
                icebergRow(store, database, table)
                        .map(t -> t.properties().get(METADATA_LOCATION_PROP))
                        .orElse(null);
        if (location == null && currentMetadataLocation() != null) {
            throw new NoSuchTableException("Table %s was dropped", tableName());
        }
        refreshFromMetadataLocation(location);
    }

    @Override
    protected void doCommit(TableMetadata base, TableMetadata metadata) {
        boolean create = base == null;
        String newLocation = writeNewMetadataIfRequired(create, metadata);
        String expected = create ? null : base.metadataFileLocation();
        CatalogTable row = row(metadata, newLocation, expected);
        boolean swapped;
        try {
            swapped = store.swapTable(row, METADATA_LOCATION_PROP, expected);
        } catch (CatalogException e) {
            // the store may have committed before the error reached us: ask it
            String now =
                    icebergRow(store, database, table)
                            .map(t -> t.properties().get(METADATA_LOCATION_PROP))
                            .orElse(null);
            if (newLocation.equals(now)) {
                swapped = true;
            } else if (now != null && !now.equals(expected) || now == null && !create) {
                swapped = false;
            } else {
                throw new CommitStateUnknownException(e);
            }
        }
        if (!swapped) {
            io.deleteFile(newLocation);
            if (create) {
                throw new AlreadyExistsException("Table already exists: %s", tableName());
            }
            throw new CommitFailedException(
                    "Cannot commit to %s: another writer committed first (its metadata is no"
                            + " longer %s); the commit is retried on the new metadata",
                    tableName(), expected);
        }
    }

    private CatalogTable row(TableMetadata metadata, String location, String previous) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(TABLE_TYPE_PROP, ICEBERG_TABLE_TYPE_VALUE);
        props.put(METADATA_LOCATION_PROP, location);
        if (previous != null) {
            props.put(PREVIOUS_METADATA_LOCATION_PROP, previous);
        }
        props.put(FORMAT_VERSION, Integer.toString(metadata.formatVersion()));
        props.put(PARTITION_SPEC, metadata.spec().toString().replaceAll("\\s+", " ").trim());
        props.put(SNAPSHOTS, Integer.toString(metadata.snapshots().size()));
        String from = metadata.properties().get(IcebergTwins.REGISTERED_FROM);
        if (from != null) {
            props.put(IcebergTwins.REGISTERED_FROM, from);
        }
        Snapshot current = metadata.currentSnapshot();
        if (current != null) {
            props.put(SNAPSHOT_ID, Long.toString(current.snapshotId()));
            Map<String, String> summary = current.summary();
            if (summary.containsKey("total-records")) {
                props.put(TOTAL_RECORDS, summary.get("total-records"));
            }
            if (summary.containsKey("total-data-files")) {
                props.put(TOTAL_FILES, summary.get("total-data-files"));
            }
        }
        Optional<CatalogTable> old = store.table(database, table);
        return new CatalogTable(
                database,
                table,
                metadata.location(),
                TableFormat.ICEBERG,
                Map.of(),
                IcebergColumns.of(metadata.schema()),
                null,
                metadata.schema().identifierFieldNames().stream().sorted().toList(),
                props,
                old.map(CatalogTable::schemaVersion).orElse(0),
                Instant.now());
    }
}
