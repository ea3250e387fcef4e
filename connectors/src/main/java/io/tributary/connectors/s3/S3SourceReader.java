package io.tributary.connectors.s3;

import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;

/**
 * Reads the splits the enumerator assigns, one after another, asking for the next when one is done.
 * Its checkpoint is each unfinished split with the position after the last record emitted.
 */
final class S3SourceReader<T>
        extends SingleThreadMultiplexSourceReaderBase<
                S3SplitReader.Line<T>, T, S3FileSplit, S3SourceReader.Position> {

    /** A split and how far it was emitted. */
    static final class Position {
        final S3FileSplit split;
        long offset;
        long lines;

        Position(S3FileSplit split) {
            this.split = split;
            this.offset = split.offset();
            this.lines = split.linesRead();
        }
    }

    /** Emits decoded records and moves the split's position past every line, bad ones too. */
    private static final class Emitter<T>
            implements RecordEmitter<S3SplitReader.Line<T>, T, Position> {
        @Override
        public void emitRecord(S3SplitReader.Line<T> line, SourceOutput<T> out, Position pos) {
            if (line.record() != null) {
                out.collect(line.record());
            }
            pos.offset = line.next();
            pos.lines = line.lines();
        }
    }

    S3SourceReader(
            S3SourceConfig config,
            DeserializationSchema<T> decoder,
            S3FileSource.BulkDecoder<T> bulk,
            S3FileSource.RecordEnricher<T> enricher,
            SourceReaderContext context,
            S3ReaderMetrics metrics) {
        super(
                () ->
                        new S3SplitReader<>(
                                config,
                                decoder,
                                bulk,
                                enricher,
                                new Quarantine(
                                        config.quarantine(),
                                        config.s3(),
                                        io.tributary.catalog.pii.PiiRedaction.parse(
                                                config.quarantinePii())),
                                metrics),
                new Emitter<>(),
                new Configuration(),
                context);
    }

    @Override
    public void start() {
        if (getNumberOfCurrentlyAssignedSplits() == 0) {
            context.sendSplitRequest();
        }
    }

    @Override
    protected void onSplitFinished(Map<String, Position> finished) {
        context.sendSplitRequest();
    }

    @Override
    protected Position initializedState(S3FileSplit split) {
        return new Position(split);
    }

    @Override
    protected S3FileSplit toSplitType(String splitId, Position p) {
        return p.split.at(p.split.compressed() ? 0 : p.offset, p.lines);
    }
}
