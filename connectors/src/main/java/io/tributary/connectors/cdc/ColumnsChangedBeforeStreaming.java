package io.tributary.connectors.cdc;

import java.io.IOException;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A captured MySQL table's columns changed after its snapshot was read (or after the startup
 * timestamp of a capture without a snapshot) and before the capture started streaming. Flink CDC
 * 3.5 starts reading the binlog from that position with the table's columns as they are when
 * streaming starts, so the row changes made before the {@code ALTER TABLE} no longer fit and
 * Debezium stops ("Data row is smaller than a column index, internal schema representation is
 * probably out of sync with real database schema"). Every restore starts from a position before the
 * change again, so the job fails at once, without restarts, with what to do. A column changed once
 * the capture streams is followed (a new schema version).
 */
@PublicEvolving
public final class ColumnsChangedBeforeStreaming extends IOException {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ColumnsChangedBeforeStreaming.class);

    /** What Debezium's MySQL binlog reader says when a row image does not fit the columns. */
    static final String DEBEZIUM_MESSAGE = "internal schema representation is probably out of sync";

    private ColumnsChangedBeforeStreaming(String message) {
        super(message);
    }

    /**
     * The exception to fail the reader with: {@code e} itself, or, when it is the columns changing
     * between the snapshot and streaming, this explanation (its original logged with its stack
     * trace) wrapped so that Flink does not restart the job into the same failure.
     */
    static Exception explain(Exception e, List<String> tables) {
        String debezium = null;
        for (Throwable t = e; t != null && debezium == null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(DEBEZIUM_MESSAGE)) {
                debezium = t.getMessage();
            }
        }
        if (debezium == null) {
            return e;
        }
        LOG.error("The binlog reader stopped: a captured table's columns changed", e);
        return new SuppressRestartsException(
                new ColumnsChangedBeforeStreaming(
                        "The columns of a captured table ("
                                + String.join(", ", tables)
                                + ") changed after the binlog position this capture reads from"
                                + " (the end of its snapshot, or its startup time) and before it"
                                + " started streaming: Flink CDC reads the row changes made before"
                                + " the ALTER TABLE with the columns the table has now, and they"
                                + " no longer fit (Debezium: "
                                + debezium
                                + "). Every restore of this capture starts before the change, so"
                                + " it cannot continue. To recover: empty or drop the target"
                                + " table(s) (rows deleted upstream since the snapshot would stay"
                                + " otherwise) and start the capture again from a new snapshot"
                                + " (`tributary run` without --resume). Columns changed once a"
                                + " capture streams (the snapshot of every table it captures done,"
                                + " see `tributary cdc progress`) are followed."));
    }
}
