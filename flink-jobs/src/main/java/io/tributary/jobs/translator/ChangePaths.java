package io.tributary.jobs.translator;

import io.tributary.connectors.cdc.CdcConnectorOptions;
import io.tributary.connectors.cdc.CdcSourceBuilder;
import io.tributary.connectors.cdc.CdcYaml;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.connectors.changes.SourceTable;
import io.tributary.connectors.redshift.RedshiftChangeSink;
import io.tributary.connectors.redshift.RedshiftYaml;
import io.tributary.connectors.yaml.YamlEndpoint;
import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineException;
import io.tributary.jobs.definition.SinkDef;
import io.tributary.jobs.definition.SourceDef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The sinks of a pipeline that apply a {@code cdc} source's changes straight to the warehouse
 * ({@code from:} the source, {@code keys:} given), as Flink CDC's composer builds its jobs: the
 * change stream goes through the schema registry to {@link RedshiftChangeSink}, which follows the
 * source table's columns while the job runs (a column added upstream becomes a column of the
 * target, older rows NULL there, every row once). The SQL path in between would fix the columns
 * when the job is planned.
 *
 * <pre>
 *   cdc source (CdcSourceBuilder, same options as tributary-cdc) ──▶ ChangeRecords
 *        │ registers each shape of the table in the registry
 *        ▼
 *   RedshiftChangeSink (stage → COPY → MERGE per checkpoint; a newer shape restarts the writer)
 * </pre>
 */
public final class ChangePaths {

    /** One sink fed by one cdc source's change stream. */
    public record ChangePath(SourceDef source, SinkDef sink) {

        /** The reader's name: its own replication slot, apart from a SQL read of the source. */
        String reader() {
            return source.name() + "_" + sink.name();
        }
    }

    private ChangePaths() {}

    /** The sinks of {@code p} that take the change-stream path. */
    public static List<ChangePath> of(PipelineDef p) {
        List<ChangePath> paths = new ArrayList<>();
        for (SinkDef sink : p.sinks()) {
            if (!(sink.vocabulary() instanceof RedshiftYaml)
                    || sink.keys().isEmpty()
                    || sink.quality() != null
                    || sink.pii() != null) {
                // a ruleset or pii actions are SQL over the sink's rows: the SQL path
                continue;
            }
            source(p, sink.from())
                    .filter(s -> s.vocabulary() instanceof CdcYaml)
                    .ifPresent(s -> paths.add(new ChangePath(s, sink)));
        }
        return paths;
    }

    /** What {@code --plan} shows for a change path. */
    static String planLine(ChangePath c) {
        return "-- sink "
                + c.sink().name()
                + ": the change stream of "
                + c.source().settings().get("table")
                + " (source "
                + c.source().name()
                + ") applied by tributary-redshift's change sink, following the table's columns"
                + " through the schema registry, with";
    }

    /**
     * Adds the change paths of {@code p} to {@code env}. Each registers the table's shapes in the
     * registry its sink names ({@code registry-url}), else at {@code defaultRegistryUrl}.
     *
     * @throws PipelineException at the sink when no registry is known
     */
    public static void attach(
            PipelineDef p, Path home, StreamExecutionEnvironment env, String defaultRegistryUrl) {
        for (ChangePath c : of(p)) {
            String registry =
                    Optional.ofNullable(c.sink().settings().get(RedshiftYaml.REGISTRY_URL))
                            .orElse(defaultRegistryUrl);
            if (registry == null) {
                throw new PipelineException(
                        c.sink().at(),
                        "applies the change stream of "
                                + c.source().name()
                                + " and follows its columns through a schema registry: give"
                                + " its URL as "
                                + RedshiftYaml.REGISTRY_URL
                                + " (tributary services up serves one: ${schema-registry.url})");
            }
            Map<String, String> cdc = new LinkedHashMap<>(cdcOptions(c, home));
            SourceTable table = table(cdc);
            String namespace = p.name();
            String uid = "changes-" + c.source().name() + "-" + c.sink().name();
            env.fromSource(
                            CdcSourceBuilder.fromOptions(cdc).registry(registry, namespace).build(),
                            WatermarkStrategy.<ChangeRecord>noWatermarks(),
                            c.source().name())
                    .uid(uid + "-source")
                    .sinkTo(
                            RedshiftChangeSink.builder()
                                    .options(Configuration.fromMap(c.sink().connectorOptions(home)))
                                    .source(table)
                                    .registry(registry, namespace)
                                    .keys(c.sink().keys())
                                    .buildForChanges())
                    .name(c.sink().name())
                    .uid(uid + "-sink");
        }
    }

    /** The source's tributary-cdc options, read by this path's own reader (its own slot). */
    private static Map<String, String> cdcOptions(ChangePath c, Path home) {
        Map<String, String> o =
                new LinkedHashMap<>(
                        c.source()
                                .vocabulary()
                                .options(
                                        new YamlEndpoint(
                                                c.reader(),
                                                c.source().settings(),
                                                c.source().primaryKey(),
                                                home.toString())));
        o.putAll(c.source().options());
        return o;
    }

    /** The captured table as the change records name it. */
    private static SourceTable table(Map<String, String> cdc) {
        boolean postgres = "postgres".equals(cdc.get(CdcConnectorOptions.DATABASE_TYPE.key()));
        String database = cdc.get(CdcConnectorOptions.DATABASE_NAME.key());
        String tableName = cdc.get(CdcConnectorOptions.TABLE_NAME.key());
        return postgres
                ? new SourceTable(
                        database,
                        cdc.getOrDefault(
                                CdcConnectorOptions.SCHEMA_NAME.key(),
                                CdcConnectorOptions.SCHEMA_NAME.defaultValue()),
                        tableName)
                : new SourceTable(database, null, tableName);
    }

    private static Optional<SourceDef> source(PipelineDef p, String name) {
        return p.sources().stream().filter(s -> s.name().equalsIgnoreCase(name)).findFirst();
    }
}
