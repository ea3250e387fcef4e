package io.tributary.connectors.redshift.internal;

import io.tributary.connectors.redshift.SinkMode;
import io.tributary.connectors.redshift.dialect.DimensionColumns;
import io.tributary.connectors.redshift.dialect.StagedShape;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;

/** What a writer sees of one checkpoint's staged rows, as the {@link StagedShape} it commits. */
@Internal
public final class ShapeTracker {

    private final int changeColumn;
    private final DistinctKeys keys;
    private long deletes;
    private long dimensionChanges;

    public ShapeTracker(SinkSpec spec) {
        this.changeColumn =
                spec.dimension().isPresent()
                        ? spec.columns().indexOf(DimensionColumns.change())
                        : -1;
        if (spec.mode() == SinkMode.UPSERT && !spec.keys().isEmpty()) {
            int[] fields = new int[spec.keys().size()];
            List<LogicalType> types = new ArrayList<>();
            for (int k = 0; k < fields.length; k++) {
                fields[k] = spec.columns().indexOf(spec.keys().get(k));
                types.add(spec.types().get(fields[k]));
            }
            this.keys = new DistinctKeys(fields, types);
        } else {
            this.keys = null;
        }
    }

    /** A row staged with {@code op} ('U' or 'D'). */
    public void track(RowData row, char op) {
        if (op == 'D') {
            deletes++;
        }
        if (changeColumn >= 0 && !row.isNullAt(changeColumn) && row.getBoolean(changeColumn)) {
            // a dimension's change, keyed by its dimension key and applied before the merge
            dimensionChanges++;
        } else if (keys != null) {
            keys.add(row);
        }
    }

    /** The shape of the rows tracked since the last call, and a fresh start for the next batch. */
    public StagedShape finish() {
        StagedShape shape =
                new StagedShape(deletes, dimensionChanges, keys != null && keys.distinct());
        deletes = 0;
        dimensionChanges = 0;
        if (keys != null) {
            keys.reset();
        }
        return shape;
    }
}
