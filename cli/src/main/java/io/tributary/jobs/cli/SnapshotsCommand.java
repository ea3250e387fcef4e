package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.CatalogService;
import io.tributary.catalog.iceberg.IcebergStorage;
import io.tributary.catalog.iceberg.TributaryIcebergCatalog;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.store.CatalogException;
import io.tributary.objectstore.S3Settings;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary catalog snapshots db.table}: a lake table's history as Iceberg keeps it, one
 * line per snapshot: when, what (append, overwrite, delete, replace), rows and files added and in
 * total, and the pipeline checkpoint it committed. The newest is marked current.
 */
@Command(name = "snapshots", description = "List the snapshots of a lake (Iceberg) table.")
final class SnapshotsCommand extends CatalogCommand.Sub {

    @Parameters(paramLabel = "DB.TABLE")
    String table;

    @Mixin S3Access s3 = new S3Access();

    @Override
    int run(CatalogService catalog, PrintWriter out) throws Exception {
        CatalogTable t = table(catalog, table);
        if (t.format() != TableFormat.ICEBERG) {
            throw new CatalogException(
                    table
                            + " is a "
                            + t.format().id()
                            + " table; only lake (Iceberg) tables have snapshots");
        }
        return withLake(
                catalog,
                t,
                s3,
                home.resolve(),
                spec.commandLine().getErr(),
                lake -> {
                    print(lake, out);
                    return ExitCodes.OK;
                });
    }

    /** What is done with an open lake table. */
    @FunctionalInterface
    interface LakeUse<T> {
        T apply(Table lake) throws Exception;
    }

    /**
     * Runs {@code use} on lake table {@code t}, loaded through Tributary's Iceberg catalog over
     * {@code catalog}'s store with the S3 settings {@code s3} finds for its location.
     */
    static <T> T withLake(
            CatalogService catalog,
            CatalogTable t,
            S3Access s3,
            java.nio.file.Path home,
            PrintWriter err,
            LakeUse<T> use)
            throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put("warehouse", t.location());
        S3Settings settings = s3.settings(t.location(), home, err);
        if (settings != null) {
            props.putAll(
                    IcebergStorage.s3(
                            settings.endpoint(),
                            settings.region(),
                            settings.pathStyle(),
                            settings.accessKey(),
                            settings.secretKey()));
        }
        try (TributaryIcebergCatalog iceberg = new TributaryIcebergCatalog(catalog.store())) {
            iceberg.initialize("tributary", props);
            return use.apply(iceberg.loadTable(TableIdentifier.of(t.database(), t.name())));
        }
    }

    private void print(Table lake, PrintWriter out) {
        Snapshot current = lake.currentSnapshot();
        ArrayNode a = CatalogCommand.JSON.createArrayNode();
        for (Snapshot s : lake.snapshots()) {
            Map<String, String> sum = s.summary();
            boolean isCurrent = current != null && current.snapshotId() == s.snapshotId();
            if (json) {
                ObjectNode n = a.addObject();
                n.put("id", s.snapshotId());
                n.put("sequence", s.sequenceNumber());
                n.put("committed", Instant.ofEpochMilli(s.timestampMillis()).toString());
                n.put("operation", s.operation());
                n.put("schema-id", s.schemaId() == null ? -1 : s.schemaId());
                n.put("current", isCurrent);
                sum.forEach(n::put);
            } else {
                out.printf(
                        Locale.ROOT,
                        "%-20d %s %-9s +%s rows (%s total) +%s files (%s total)  schema %s%s%s%n",
                        s.snapshotId(),
                        Instant.ofEpochMilli(s.timestampMillis()),
                        s.operation(),
                        sum.getOrDefault("added-records", "0"),
                        sum.getOrDefault("total-records", "?"),
                        sum.getOrDefault("added-data-files", "0"),
                        sum.getOrDefault("total-data-files", "?"),
                        s.schemaId() == null ? "?" : s.schemaId(),
                        sum.containsKey("flink.max-committed-checkpoint-id")
                                ? "  checkpoint "
                                        + checkpoint(sum.get("flink.max-committed-checkpoint-id"))
                                : "",
                        isCurrent ? "  (current)" : "");
            }
        }
        if (json) {
            out.println(a);
        }
    }

    /** The committer writes Long.MAX_VALUE for the files of a job's end of input. */
    private static String checkpoint(String id) {
        return Long.toString(Long.MAX_VALUE).equals(id) ? "end of input" : id;
    }
}
