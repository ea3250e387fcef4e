package io.tributary.jobs;

import io.tributary.jobs.definition.PipelineDef;
import io.tributary.jobs.definition.PipelineException;
import io.tributary.jobs.definition.PipelineParser;
import io.tributary.jobs.definition.Variables;
import io.tributary.jobs.translator.ChangePaths;
import io.tributary.jobs.translator.PipelineTranslator;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * The job jar's entry point, for Flink's own client: {@code flink run
 * tributary-flink-jobs-*-job.jar --pipeline pipeline.yaml [--var name=value ...] [--home dir]}. It
 * runs the same translation as {@code tributary run}, on whatever environment {@code flink run}
 * provides (session, application or per-job cluster); the run history is {@code tributary run}'s,
 * not kept here.
 */
public final class PipelineJob {

    private PipelineJob() {}

    public static void main(String[] args) throws Exception {
        Path file = null;
        Map<String, String> vars = new LinkedHashMap<>();
        String home = System.getenv().getOrDefault("TRIBUTARY_HOME", ".tributary");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(usage("'" + a + "' needs a value"));
            }
            switch (a) {
                case "--pipeline" -> file = Paths.get(args[++i]);
                case "--home" -> home = args[++i];
                case "--var" -> {
                    String kv = args[++i];
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException(usage("--var takes name=value"));
                    }
                    vars.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                default ->
                        throw new IllegalArgumentException(usage("unknown argument '" + a + "'"));
            }
        }
        if (file == null) {
            throw new IllegalArgumentException(usage("--pipeline is required"));
        }
        PipelineDef pipeline;
        try {
            pipeline = new PipelineParser(Variables.of(vars, Map.of())).parse(file);
        } catch (PipelineException e) {
            System.err.println("tributary: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path dir = Paths.get(home).toAbsolutePath();
        String checkpoints =
                PipelineHome.of(dir, pipeline.name(), pipeline.settings().checkpoints())
                        .checkpointsUri();
        Configuration conf = new Configuration();
        PipelineTranslator.jobConfiguration(pipeline, checkpoints).forEach(conf::setString);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        conf.toMap().forEach((k, v) -> tables.getConfig().getConfiguration().setString(k, v));
        PipelineTranslator translator = new PipelineTranslator(pipeline, dir);
        if (ChangePaths.of(pipeline).isEmpty()) {
            translator.translate(tables).execute();
            return;
        }
        // change paths follow their tables through the registry their sinks name
        StreamStatementSet set = (StreamStatementSet) translator.translate(tables);
        if (translator.inserts() > 0) {
            set.attachAsDataStream();
        }
        ChangePaths.attach(pipeline, dir, env, null);
        env.execute("tributary: " + pipeline.name());
    }

    private static String usage(String problem) {
        return problem
                + "; usage: flink run <job.jar> --pipeline FILE [--var NAME=VALUE ...] [--home DIR]";
    }
}
