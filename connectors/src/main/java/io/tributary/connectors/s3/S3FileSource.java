package io.tributary.connectors.s3;

import java.io.Serializable;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.UserCodeClassLoader;

/**
 * Files under an {@code s3://} (or {@code file://}) prefix as a FLIP-27 source, read line by line
 * with any Flink line format (json, csv, ...), continuously or once.
 *
 * <pre>
 *   enumerator (one)                                   readers (parallel)
 *   incremental listing (StartAfter) every scan.interval
 *   + full listing every scan.rescan-interval  ──splits──▶ ranged GETs, lines decoded
 *   bounded state: greatest key, horizon,                  bad line ─▶ quarantine (S3 prefix)
 *   keys newer than the horizon, pending splits            state: split + position
 * </pre>
 *
 * <p>Its bookmark is the checkpoint: on restore, listed files are not listed again as new, and each
 * unfinished split resumes at the line after the last record emitted.
 */
@PublicEvolving
public final class S3FileSource<T>
        implements Source<T, S3FileSplit, S3EnumeratorState>, ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    private final S3SourceConfig config;
    private final DeserializationSchema<T> decoder;
    private final RecordEnricher<T> enricher;
    private final BulkDecoder<T> bulk;
    private final TypeInformation<T> producedType;

    /** Turns one record of an Avro or Parquet file into an output record. */
    @FunctionalInterface
    public interface BulkDecoder<T> extends Serializable {
        T decode(GenericRecord record);
    }

    /** Adds what a file's key tells (partition values) to each of its records. */
    @FunctionalInterface
    public interface RecordEnricher<T> extends Serializable {
        T enrich(T record, String key);
    }

    public S3FileSource(S3SourceConfig config, DeserializationSchema<T> decoder) {
        this(config, decoder, null);
    }

    public S3FileSource(
            S3SourceConfig config, DeserializationSchema<T> decoder, RecordEnricher<T> enricher) {
        this.config = config;
        this.decoder = decoder;
        this.enricher = enricher;
        this.bulk = null;
        this.producedType = decoder.getProducedType();
    }

    /** A source of Avro or Parquet files ({@code config.bulkFormat()}), record by record. */
    public S3FileSource(
            S3SourceConfig config,
            BulkDecoder<T> bulk,
            RecordEnricher<T> enricher,
            TypeInformation<T> producedType) {
        if (config.bulkFormat() == null) {
            throw new IllegalArgumentException("A bulk decoder reads avro or parquet files only");
        }
        this.config = config;
        this.decoder = null;
        this.enricher = enricher;
        this.bulk = bulk;
        this.producedType = producedType;
    }

    public S3SourceConfig config() {
        return config;
    }

    @Override
    public Boundedness getBoundedness() {
        return config.continuous() ? Boundedness.CONTINUOUS_UNBOUNDED : Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<T, S3FileSplit> createReader(SourceReaderContext context) throws Exception {
        if (decoder != null) {
            decoder.open(
                    new DeserializationSchema.InitializationContext() {
                        @Override
                        public MetricGroup getMetricGroup() {
                            return context.metricGroup();
                        }

                        @Override
                        public UserCodeClassLoader getUserCodeClassLoader() {
                            return context.getUserCodeClassLoader();
                        }
                    });
        }
        return new S3SourceReader<>(
                config,
                decoder,
                bulk,
                enricher,
                context,
                new S3ReaderMetrics(context.metricGroup()));
    }

    @Override
    public SplitEnumerator<S3FileSplit, S3EnumeratorState> createEnumerator(
            SplitEnumeratorContext<S3FileSplit> context) {
        return new S3SplitEnumerator(context, config, null);
    }

    @Override
    public SplitEnumerator<S3FileSplit, S3EnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<S3FileSplit> context, S3EnumeratorState state) {
        return new S3SplitEnumerator(context, config, state);
    }

    @Override
    public SimpleVersionedSerializer<S3FileSplit> getSplitSerializer() {
        return S3FileSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<S3EnumeratorState> getEnumeratorCheckpointSerializer() {
        return new S3EnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return producedType;
    }
}
