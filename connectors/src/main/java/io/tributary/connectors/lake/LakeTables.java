package io.tributary.connectors.lake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * Makes the lake table fit what a pipeline writes, before the job starts: creates it (format v2,
 * the partition spec, the keys as identifier fields) when it does not exist, and otherwise adds the
 * columns the input gained and widens the types Iceberg can widen, in one schema commit. A column
 * the table cannot take is an error naming it, never a dropped value.
 */
final class LakeTables {

    private LakeTables() {}

    static void prepare(
            Catalog catalog,
            TableIdentifier id,
            ResolvedSchema input,
            String partitionBy,
            long targetFileSize,
            boolean evolve) {
        Namespace ns = id.namespace();
        if (catalog instanceof SupportsNamespaces n && !n.namespaceExists(ns)) {
            try {
                n.createNamespace(ns);
            } catch (AlreadyExistsException raced) {
                // another writer created it first
            }
        }
        // the primary key (the sink's keys) becomes the identifier fields, required
        Schema wanted = FlinkSchemaUtil.convert(input);
        if (!catalog.tableExists(id)) {
            try {
                catalog.buildTable(id, wanted)
                        .withPartitionSpec(PartitionTransforms.parse(partitionBy, wanted))
                        .withProperties(
                                Map.of(
                                        TableProperties.FORMAT_VERSION,
                                        "2",
                                        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
                                        Long.toString(targetFileSize),
                                        TableProperties.PARQUET_COMPRESSION,
                                        "zstd",
                                        // a commit a checkpoint: keep the last 100 metadata
                                        // files, not every one ever written
                                        TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED,
                                        "true",
                                        TableProperties.METADATA_PREVIOUS_VERSIONS_MAX,
                                        "100"))
                        .create();
                return;
            } catch (AlreadyExistsException raced) {
                // another writer created it: evolve that one below
            }
        }
        Table table = catalog.loadTable(id);
        evolve(table, wanted, evolve, id);
    }

    /** The changes a table needs to take {@code wanted}'s columns; none when it already does. */
    static void evolve(Table table, Schema wanted, boolean evolve, TableIdentifier id) {
        Schema current = table.schema();
        UpdateSchema update = table.updateSchema();
        List<String> changes = new ArrayList<>();
        for (Types.NestedField f : wanted.columns()) {
            Types.NestedField have = current.findField(f.name());
            if (have == null) {
                changes.add("add " + f.name() + " " + f.type());
                update.addColumn(f.name(), f.type(), f.doc());
                continue;
            }
            if (have.type().equals(f.type())) {
                continue;
            }
            if (f.type().isPrimitiveType()
                    && have.type().isPrimitiveType()
                    && TypeUtil.isPromotionAllowed(have.type(), f.type().asPrimitiveType())) {
                changes.add("widen " + f.name() + " " + have.type() + " to " + f.type());
                update.updateColumn(f.name(), f.type().asPrimitiveType());
            } else if (!narrower(f.type(), have.type())) {
                throw new IllegalStateException(
                        "Column '"
                                + f.name()
                                + "' is "
                                + f.type()
                                + " in the pipeline but "
                                + have.type()
                                + " in lake table "
                                + id
                                + ", and Iceberg cannot change one into the other; cast it in a"
                                + " transform, or write to a new table");
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        if (!evolve) {
            throw new IllegalStateException(
                    "Lake table "
                            + id
                            + " does not fit the pipeline's columns ("
                            + String.join("; ", changes)
                            + ") and schema-evolution is fail: set it to evolve, or change the"
                            + " pipeline");
        }
        update.commit();
    }

    /** A value of {@code in} always fits a column of {@code table} (an int into a bigint). */
    private static boolean narrower(Type in, Type table) {
        return in.isPrimitiveType()
                && table.isPrimitiveType()
                && TypeUtil.isPromotionAllowed(in, table.asPrimitiveType());
    }
}
