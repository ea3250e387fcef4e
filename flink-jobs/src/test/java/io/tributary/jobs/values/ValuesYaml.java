package io.tributary.jobs.values;

import io.tributary.connectors.yaml.EndpointVocabulary;
import io.tributary.connectors.yaml.YamlBlock;
import io.tributary.connectors.yaml.YamlEndpoint;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * {@code type: values} in a pipeline file, as a source ({@link Source}) or a sink ({@link Sink}):
 * the in-memory values connector, found through {@code META-INF/services} as any connector outside
 * Tributary's own would be.
 */
public abstract class ValuesYaml implements EndpointVocabulary {

    @Override
    public String type() {
        return "values";
    }

    @Override
    public Set<String> keys() {
        return Set.of("id");
    }

    @Override
    public Map<String, String> check(YamlBlock block) {
        block.required("id");
        return EndpointVocabulary.none();
    }

    @Override
    public Map<String, String> options(YamlEndpoint endpoint) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put(FactoryUtil.CONNECTOR.key(), ValuesTableFactory.IDENTIFIER);
        o.put(ValuesTableFactory.ID.key(), endpoint.get("id"));
        return o;
    }

    /** {@code type: values} among the sources. */
    public static final class Source extends ValuesYaml {
        @Override
        public Role role() {
            return Role.SOURCE;
        }
    }

    /** {@code type: values} among the sinks. */
    public static final class Sink extends ValuesYaml {
        @Override
        public Role role() {
            return Role.SINK;
        }
    }
}
