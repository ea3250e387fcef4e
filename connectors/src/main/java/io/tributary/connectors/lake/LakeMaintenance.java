package io.tributary.connectors.lake;

import io.tributary.catalog.iceberg.TributaryIcebergCatalog;
import io.tributary.catalog.store.CatalogStores;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.maintenance.api.ExpireSnapshots;
import org.apache.iceberg.flink.maintenance.api.RewriteDataFiles;
import org.apache.iceberg.flink.maintenance.api.TableMaintenance;
import org.apache.iceberg.flink.maintenance.operator.TableChange;

/**
 * Compaction and snapshot expiry of a lake table, in the streaming job that writes it: Iceberg's
 * Flink table maintenance watches the table's commits and, every {@code interval}, rewrites the
 * small files that per-checkpoint commits leave (one per writer and partition each checkpoint) into
 * files of the target size, and expires snapshots past their age with the files only they held.
 *
 * <pre>
 *   committer ──► commits (reads the   ──► trigger manager ──► rewrite: plan ─► read+write ─► commit
 *                 table's new snapshots)
 *                                       lock in the          (equality deletes applied; the rewrite
 *                                       catalog store         keeps the data's sequence numbers, so
 *                                                             later deletes still apply)
 *                                                       └─► expire snapshots ─► delete files
 * </pre>
 *
 * The lock keeps two runs on one table apart: a row of {@code tributary_maintenance_lock} in the
 * catalog store, so it holds wherever the job's task managers run ({@link StoreLock}).
 */
record LakeMaintenance(Duration interval, Duration maxSnapshotAge, int retainLast)
        implements Serializable {

    /** The maintenance the options ask for; null when {@code compaction.interval} is 0. */
    static LakeMaintenance of(ReadableConfig o) {
        Duration interval = o.get(LakeConnectorOptions.COMPACTION_INTERVAL);
        if (interval.isZero() || interval.isNegative()) {
            return null;
        }
        return new LakeMaintenance(
                interval,
                o.get(LakeConnectorOptions.SNAPSHOTS_MAX_AGE),
                o.get(LakeConnectorOptions.SNAPSHOTS_RETAIN_LAST));
    }

    /**
     * Adds the maintenance of table {@code id} after its committer ({@code commits}), returning its
     * last stream (nothing flows out of it but the end of each run).
     */
    @SuppressWarnings("unchecked")
    DataStream<Void> addTo(
            DataStream<Void> commits,
            Map<String, String> catalogProperties,
            TableIdentifier id,
            long targetFileSize,
            String uid) {
        // the table is read at most once a second, and no more often than the tasks may run
        Duration poll =
                interval.compareTo(Duration.ofMinutes(1)) < 0 ? interval : Duration.ofMinutes(1);
        if (poll.compareTo(Duration.ofSeconds(1)) < 0) {
            poll = Duration.ofSeconds(1);
        }
        StreamExecutionEnvironment env = commits.getExecutionEnvironment();
        List<Transformation<?>> before = new ArrayList<>(env.getTransformations());
        DataStream<TableChange> changes =
                commits.transform(
                                "Lake commits of " + id,
                                TypeInformation.of(TableChange.class),
                                new CommittedChanges(
                                        LakeCatalog.tableLoader(catalogProperties, id),
                                        poll.toMillis()))
                        .setParallelism(1)
                        .uid(uid + "-commits");
        try {
            TableMaintenance.forChangeStream(
                            changes,
                            LakeCatalog.tableLoader(catalogProperties, id),
                            lock(catalogProperties, id))
                    .uidSuffix(uid)
                    .rateLimit(poll)
                    .lockCheckDelay(poll)
                    .add(
                            new RewriteDataFiles.Builder()
                                    .scheduleOnInterval(interval)
                                    .targetFileSizeBytes(targetFileSize)
                                    // a partition's two small files are worth one
                                    .minInputFiles(2))
                    .add(
                            new ExpireSnapshots.Builder()
                                    .scheduleOnInterval(interval)
                                    .maxSnapshotAge(maxSnapshotAge)
                                    .retainLast(retainLast))
                    .append();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot plan the maintenance of lake table " + id, e);
        }
        // Iceberg's builder ends in an operator it does not hand back: the one it added last
        List<Transformation<?>> added = new ArrayList<>(env.getTransformations());
        added.removeAll(before);
        if (added.isEmpty()) {
            throw new IllegalStateException("Iceberg's table maintenance added no operator");
        }
        return new DataStream<>(env, (Transformation<Void>) added.get(added.size() - 1));
    }

    /**
     * The maintenance lock of table {@code id}: a row in the catalog store, in a table made here,
     * once, before the job runs. Its id is the table's, so two jobs on one table wait for each
     * other's runs.
     */
    private StoreLock lock(Map<String, String> catalogProperties, TableIdentifier id) {
        String url = CatalogStores.jdbcUrl(catalogProperties.get(TributaryIcebergCatalog.STORE));
        String lockId = "lake-" + Integer.toHexString(id.toString().hashCode()) + "-" + id;
        // a run that takes longer than this is taken for dead (see StoreLock)
        Duration staleAfter = Duration.ofHours(1);
        if (interval.multipliedBy(3).compareTo(staleAfter) > 0) {
            staleAfter = interval.multipliedBy(3);
        }
        StoreLock lock =
                new StoreLock(
                        url,
                        catalogProperties.get(TributaryIcebergCatalog.STORE_USER),
                        catalogProperties.get(TributaryIcebergCatalog.STORE_PASSWORD),
                        lockId.length() > 190 ? lockId.substring(0, 190) : lockId,
                        staleAfter);
        lock.prepare();
        return lock;
    }
}
