package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.CatalogService;
import io.tributary.catalog.iceberg.IcebergStorage;
import io.tributary.catalog.iceberg.IcebergTwins;
import io.tributary.catalog.iceberg.TributaryIcebergCatalog;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.TableFormat;
import io.tributary.objectstore.S3Settings;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary catalog register-iceberg db.table}: a crawled Parquet table registered in place
 * as an Iceberg table (metadata under the lake warehouse, data files where the crawler found them),
 * so Spark, Trino and other engines read it through the REST catalog. Every crawl of its location
 * afterwards ({@code tributary crawl}, once or {@code --watch}) commits the files it found since as
 * a new snapshot.
 */
@Command(
        name = "register-iceberg",
        description =
                "Register a crawled Parquet table as an Iceberg table over the same files (no"
                        + " copy); later crawls add new files as snapshots.")
final class RegisterIcebergCommand extends CatalogCommand.Sub {

    /** Where the metadata of registered tables goes unless told: the lake's default warehouse. */
    static final String DEFAULT_WAREHOUSE = "s3://tributary/lake";

    @Parameters(paramLabel = "DB.TABLE", description = "The crawled Parquet table.")
    String table;

    @Option(
            names = "--as",
            paramLabel = "NAME",
            description =
                    "Name of the Iceberg table, in the same database (default: TABLE_iceberg).")
    String as;

    @Option(
            names = "--warehouse",
            paramLabel = "URI",
            description =
                    "Where the Iceberg metadata is written (default: "
                            + DEFAULT_WAREHOUSE
                            + "); the data files stay where they are.")
    String warehouse = DEFAULT_WAREHOUSE;

    @Mixin S3Access s3 = new S3Access();

    @Override
    int run(CatalogService catalog, PrintWriter out) throws Exception {
        CatalogTable t = table(catalog, table);
        String name = as != null ? as : t.name() + "_iceberg";
        PrintWriter err = spec.commandLine().getErr();
        S3Settings settings = s3.settings(t.location(), home.resolve(), err);
        try (TributaryIcebergCatalog iceberg = iceberg(catalog, warehouse, settings)) {
            IcebergTwins.SyncReport r =
                    IcebergTwins.register(
                            catalog.store(), iceberg, t.database(), t.name(), name, settings);
            if (json) {
                out.println(toJson(r));
            } else {
                out.println(r.summary());
                r.skipped().forEach(s -> out.println("  skipped " + s));
                out.println(
                        "  read it from Spark, Trino or PyIceberg through the REST catalog"
                                + " (tributary catalog serve); each crawl of "
                                + t.location()
                                + " adds its new files");
            }
        }
        return ExitCodes.OK;
    }

    /** Tributary's Iceberg catalog over {@code catalog}'s store, reaching S3 with {@code s3}. */
    static TributaryIcebergCatalog iceberg(
            CatalogService catalog, String warehouse, S3Settings s3) {
        Map<String, String> props = new HashMap<>();
        props.put("warehouse", warehouse);
        if (s3 != null) {
            props.putAll(
                    IcebergStorage.s3(
                            s3.endpoint(),
                            s3.region(),
                            s3.pathStyle(),
                            s3.accessKey(),
                            s3.secretKey()));
        }
        TributaryIcebergCatalog iceberg = new TributaryIcebergCatalog(catalog.store());
        iceberg.initialize("tributary", props);
        return iceberg;
    }

    /**
     * Brings the Iceberg tables registered from tables of {@code database} up to date after a
     * crawl; nothing (and no Iceberg catalog opened) when there are none.
     */
    static List<IcebergTwins.SyncReport> syncAfterCrawl(
            CatalogService catalog, String database, S3Settings s3) {
        boolean any =
                catalog.store().tables(database).stream()
                        .anyMatch(
                                t ->
                                        t.format() == TableFormat.ICEBERG
                                                && t.properties()
                                                        .containsKey(IcebergTwins.REGISTERED_FROM));
        if (!any) {
            return List.of();
        }
        try (TributaryIcebergCatalog iceberg = iceberg(catalog, DEFAULT_WAREHOUSE, s3)) {
            return IcebergTwins.syncAll(catalog.store(), iceberg, database, s3);
        }
    }

    static ObjectNode toJson(IcebergTwins.SyncReport r) {
        ObjectNode n = CatalogCommand.JSON.createObjectNode();
        n.put("crawled", r.crawled());
        n.put("iceberg", r.twin());
        n.put("created", r.created());
        n.put("filesAdded", r.filesAdded());
        n.put("filesRemoved", r.filesRemoved());
        n.put("recordsAdded", r.recordsAdded());
        n.set("columnsAdded", CatalogCommand.JSON.valueToTree(r.columnsAdded()));
        ArrayNode skipped = n.putArray("skipped");
        r.skipped().forEach(skipped::add);
        n.put("snapshotId", r.snapshotId());
        n.put("totalRecords", r.totalRecords());
        return n;
    }
}
