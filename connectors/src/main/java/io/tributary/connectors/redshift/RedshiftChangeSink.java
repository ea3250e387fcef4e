package io.tributary.connectors.redshift;

import io.tributary.catalog.model.AvroTypes;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.DataType;
import io.tributary.catalog.registry.Registry;
import io.tributary.catalog.registry.RegistryException;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.registry.SchemaRegistryClient;
import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.connectors.changes.ChangeRows;
import io.tributary.connectors.changes.RowShape;
import io.tributary.connectors.changes.SourceTable;
import io.tributary.connectors.redshift.internal.SinkSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;

/**
 * The exactly-once warehouse sink for one captured table's {@link ChangeRecord}s, following the
 * table's schema while the job runs. The columns are not fixed when the job is built: each writer
 * and committer takes them from the latest version of the table's subject in the schema registry
 * (the CDC source registers every shape it sees there before sending it on). When a record arrives
 * with a schema version newer than the one a writer started with (a column added upstream), the
 * writer stops with a message saying so; Flink restarts the job from its last checkpoint, the new
 * writers start with the new version, the target gets the column ({@code ALTER TABLE ... ADD
 * COLUMN}, rows loaded before it NULL there), and the replayed changes are committed once, as
 * always. The job therefore needs a restart strategy (Flink's default with checkpointing is to
 * restart).
 *
 * <pre>{@code
 * changes.sinkTo(RedshiftChangeSink.builder()
 *     .url(url).table("replica", "customers")
 *     .source(new SourceTable("shop", null, "customers"))
 *     .registry(registryUrl, null)     // the catalog database the CDC source registers under
 *     .buildForChanges());
 * }</pre>
 */
@PublicEvolving
public final class RedshiftChangeSink
        implements Sink<ChangeRecord>,
                SupportsCommitter<RedshiftCommittable>,
                SupportsWriterState<ChangeRecord, RedshiftWriterState>,
                SupportsPreWriteTopology<ChangeRecord> {

    private static final long serialVersionUID = 1L;

    private final Configuration options;
    private final SourceTable table;
    private final String registryUrl;
    private final String subject;
    private final List<String> keys;

    RedshiftChangeSink(
            Configuration options,
            SourceTable table,
            String registryUrl,
            String subject,
            List<String> keys) {
        this.keys = List.copyOf(keys);
        this.options = options;
        this.table = table;
        this.registryUrl = registryUrl;
        this.subject = subject;
    }

    public static RedshiftSinkBuilder builder() {
        return new RedshiftSinkBuilder();
    }

    /** The table's latest registered shape and the sink spec for it; empty when none yet. */
    private Optional<Resolved> resolve() {
        Registry registry = new SchemaRegistryClient(registryUrl);
        SchemaRegistry.Version latest;
        try {
            latest = registry.version(subject, "latest");
        } catch (RegistryException e) {
            if (e.status() == 404) {
                return Optional.empty(); // the source registers it on its first read
            }
            throw e;
        }
        DataType.Struct row =
                (DataType.Struct) AvroTypes.fromAvro(new Schema.Parser().parse(latest.schema()));
        List<Column> columns = new ArrayList<>();
        for (DataType.Field f : row.fields()) {
            columns.add(new Column(f.name(), f.type()));
        }
        return Optional.of(resolved(new RowShape(table, columns, keys, latest.version())));
    }

    private Resolved resolved(RowShape shape) {
        return new Resolved(shape, new SinkSpec(options, ChangeRows.rowType(shape), keys));
    }

    private record Resolved(RowShape shape, SinkSpec spec) {}

    @Override
    @Deprecated
    public SinkWriter<ChangeRecord> createWriter(InitContext context) {
        throw new UnsupportedOperationException("Flink 1.20 calls createWriter(WriterInitContext)");
    }

    @Override
    public StatefulSinkWriter<ChangeRecord, RedshiftWriterState> createWriter(
            WriterInitContext context) throws IOException {
        return new Writer(context, List.of());
    }

    @Override
    public StatefulSinkWriter<ChangeRecord, RedshiftWriterState> restoreWriter(
            WriterInitContext context, Collection<RedshiftWriterState> states) throws IOException {
        return new Writer(context, states);
    }

    @Override
    public SimpleVersionedSerializer<RedshiftWriterState> getWriterStateSerializer() {
        return new RedshiftWriterStateSerializer();
    }

    @Override
    public Committer<RedshiftCommittable> createCommitter(CommitterInitContext context) {
        return new Committer<>() {
            private RedshiftCommitter delegate;

            @Override
            public void commit(Collection<CommitRequest<RedshiftCommittable>> requests)
                    throws IOException, InterruptedException {
                if (delegate == null) {
                    // a committable exists only once the source registered the table's shape
                    Resolved r =
                            resolve()
                                    .orElseThrow(
                                            () ->
                                                    new IOException(
                                                            "No schema of "
                                                                    + table
                                                                    + " under "
                                                                    + subject
                                                                    + " in the registry at "
                                                                    + registryUrl));
                    delegate = new RedshiftCommitter(r.spec(), context.metricGroup());
                }
                delegate.commit(requests);
            }

            @Override
            public void close() throws Exception {
                if (delegate != null) {
                    delegate.close();
                }
            }
        };
    }

    @Override
    public SimpleVersionedSerializer<RedshiftCommittable> getCommittableSerializer() {
        return new RedshiftCommittableSerializer();
    }

    @Override
    public DataStream<ChangeRecord> addPreWriteTopology(DataStream<ChangeRecord> input) {
        return input.keyBy(new ChangeKey());
    }

    /** All changes of one key to one writer; schema-change records (no row) to the first. */
    static final class ChangeKey implements KeySelector<ChangeRecord, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(ChangeRecord r) {
            if (r.op() == ChangeOp.SCHEMA) {
                return "";
            }
            StringBuilder key = new StringBuilder();
            for (Object v : r.key()) {
                RedshiftSink.appendKey(key, v);
            }
            return key.toString();
        }
    }

    /**
     * Turns change records into the RowData changelog the warehouse writer stages. The warehouse
     * writer starts with the table's latest registered shape, or with the first record's when the
     * registry has none yet.
     */
    private final class Writer
            implements CommittingSinkWriter<ChangeRecord, RedshiftCommittable>,
                    StatefulSinkWriter<ChangeRecord, RedshiftWriterState> {
        private final WriterInitContext init;
        private final Collection<RedshiftWriterState> restored;
        private final Forward forward = new Forward();
        private RowShape shape;
        private RowShape lastSeen;
        private String target;
        private RedshiftWriter delegate;
        private ChangeRows rows;
        private SinkWriter.Context context;

        Writer(WriterInitContext init, Collection<RedshiftWriterState> restored)
                throws IOException {
            this.init = init;
            this.restored = List.copyOf(restored);
            Optional<Resolved> r = resolve();
            if (r.isPresent()) {
                start(r.get());
            }
        }

        private void start(Resolved r) throws IOException {
            this.shape = r.shape();
            this.target = r.spec().target().toString();
            this.delegate = new RedshiftWriter(r.spec(), init, restored);
            this.rows = ChangeRows.of(table, ChangeRows.rowType(shape)).ignoringNewColumns();
        }

        @Override
        public void write(ChangeRecord r, SinkWriter.Context ctx) throws IOException {
            if (!r.table().equals(table)) {
                return;
            }
            if (delegate == null) {
                start(resolved(r.shape()));
            }
            if (r.shape() != lastSeen) {
                // new columns, or columns whose type changed (a widened type must widen the
                // target before its values arrive); older versions are written by name
                List<String> added = new ArrayList<>();
                for (Column c : r.shape().columns()) {
                    int i = shape.indexOf(c.name());
                    if (i < 0 || !shape.columns().get(i).type().equals(c.type())) {
                        added.add(c.name() + " " + c.type());
                    }
                }
                int version = r.shape().version();
                if (!added.isEmpty() && (version == 0 || version == shape.version())) {
                    throw new IllegalStateException(
                            "Records of "
                                    + table
                                    + " changed their columns ("
                                    + added
                                    + ") without a new schema version (version "
                                    + shape.version()
                                    + "): give the CDC source the registry this sink reads,"
                                    + " so every shape is registered, and its schema policy"
                                    + " 'evolve'");
                }
                // an older registered version's extra columns were dropped since: by name
                if (!added.isEmpty() && version > shape.version()) {
                    throw new SchemaVersionAdvanced(
                            "Table "
                                    + table
                                    + " is at schema version "
                                    + r.shape().version()
                                    + " with new or changed column(s) "
                                    + added
                                    + "; this writer started at version "
                                    + shape.version()
                                    + ". Restarting from the last checkpoint to add them to "
                                    + target
                                    + " (nothing of the new version was committed).");
                }
            }
            lastSeen = r.shape();
            this.context = ctx;
            try {
                rows.flatMap(r, forward);
            } catch (ForwardFailure e) {
                throw e.io;
            }
        }

        @Override
        public Collection<RedshiftCommittable> prepareCommit() throws IOException {
            return delegate == null ? List.of() : delegate.prepareCommit();
        }

        @Override
        public List<RedshiftWriterState> snapshotState(long checkpointId) {
            return delegate == null
                    ? List.of(new RedshiftWriterState(checkpointId))
                    : delegate.snapshotState(checkpointId);
        }

        @Override
        public void flush(boolean endOfInput) {
            if (delegate != null) {
                delegate.flush(endOfInput);
            }
        }

        @Override
        public void close() throws Exception {
            if (delegate != null) {
                delegate.close();
            }
        }

        /** Hands each row to the warehouse writer. */
        private final class Forward implements Collector<RowData> {
            @Override
            public void collect(RowData row) {
                try {
                    delegate.write(row, context);
                } catch (IOException e) {
                    throw new ForwardFailure(e);
                }
            }

            @Override
            public void close() {}
        }
    }

    private static final class ForwardFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final IOException io;

        ForwardFailure(IOException io) {
            super(io);
            this.io = io;
        }
    }

    /** The table's schema moved on while the job ran: the job restarts to follow it. */
    public static final class SchemaVersionAdvanced extends IOException {
        private static final long serialVersionUID = 1L;

        SchemaVersionAdvanced(String message) {
            super(message);
        }
    }
}
