package io.tributary.connectors.redshift;

import static io.tributary.connectors.yaml.EndpointVocabulary.put;

import io.tributary.connectors.yaml.EndpointVocabulary;
import io.tributary.connectors.yaml.YamlBlock;
import io.tributary.connectors.yaml.YamlEndpoint;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.Internal;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * {@code type: redshift} (also {@code warehouse}) in a pipeline file: Tributary's exactly-once
 * warehouse sink, Redshift or PostgreSQL by the URL. Each YAML key maps to one of {@link
 * RedshiftConnectorOptions}.
 */
@Internal
public final class RedshiftYaml implements EndpointVocabulary {

    public static final RedshiftYaml SINK = new RedshiftYaml();

    /**
     * The schema registry a sink fed straight by a change stream follows the table's columns
     * through (default: the one {@code tributary services up} serves, else an in-process one).
     */
    public static final String REGISTRY_URL = "registry-url";

    private RedshiftYaml() {}

    @Override
    public String type() {
        return "redshift";
    }

    @Override
    public Role role() {
        return Role.SINK;
    }

    /** The sink's name before it was named after its package and SQL identifier. */
    @Override
    public Set<String> aliases() {
        return Set.of("warehouse");
    }

    @Override
    public Set<String> keys() {
        return Set.of(
                "url",
                "table",
                "mode",
                "user",
                "password",
                "staging",
                "staging-path",
                "iam-role",
                "auto-create",
                "schema-evolution",
                "freshness-column",
                "ssl-mode",
                "ssl-root-cert",
                REGISTRY_URL);
    }

    @Override
    public Map<String, String> check(YamlBlock b) {
        String url = b.required("url");
        if (!url.matches("jdbc:(postgresql|redshift)://.+")) {
            throw b.error(
                    "url",
                    "'"
                            + url.replaceAll("\\?.*", "")
                            + "' is not a jdbc:postgresql:// or jdbc:redshift:// URL");
        }
        EndpointVocabulary.checkSslMode(b);
        b.oneOf("staging", null, "auto", "files", "table");
        String table = b.required("table");
        if (table.split("\\.").length > 2) {
            throw b.error("table", "'" + table + "' is not [schema.]table");
        }
        Map<String, String> resolved = EndpointVocabulary.none();
        EndpointVocabulary.checkSinkModeAndEvolution(b, resolved);
        return resolved;
    }

    @Override
    public Map<String, String> options(YamlEndpoint s) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put(FactoryUtil.CONNECTOR.key(), RedshiftDynamicTableFactory.IDENTIFIER);
        o.put(RedshiftConnectorOptions.URL.key(), s.get("url"));
        String[] table = s.get("table").split("\\.", 2);
        if (table.length == 2) {
            o.put(RedshiftConnectorOptions.SCHEMA_NAME.key(), table[0]);
            o.put(RedshiftConnectorOptions.TABLE_NAME.key(), table[1]);
        } else {
            o.put(RedshiftConnectorOptions.TABLE_NAME.key(), table[0]);
        }
        o.put(RedshiftConnectorOptions.SINK_MODE.key(), s.get("mode").toUpperCase(Locale.ROOT));
        put(o, RedshiftConnectorOptions.USERNAME, s.get("user"));
        put(o, RedshiftConnectorOptions.PASSWORD, s.get("password"));
        // rows wait for their commit as files (under staging-path, else the job's checkpoint
        // directory), or with staging: table in a durable table of the warehouse
        put(
                o,
                RedshiftConnectorOptions.STAGING,
                s.get("staging") == null ? null : s.get("staging").toUpperCase(Locale.ROOT));
        put(o, RedshiftConnectorOptions.STAGING_PATH, s.get("staging-path"));
        put(o, RedshiftConnectorOptions.IAM_ROLE, s.get("iam-role"));
        put(o, RedshiftConnectorOptions.AUTO_CREATE, s.get("auto-create"));
        // event time of the rows: the freshness metric (now - newest committed)
        put(o, RedshiftConnectorOptions.FRESHNESS_COLUMN, s.get("freshness-column"));
        // TLS: the driver's sslmode and the CA file the server's certificate chains to
        put(o, RedshiftConnectorOptions.SSL_MODE, s.get("ssl-mode"));
        put(o, RedshiftConnectorOptions.SSL_ROOT_CERT, s.get("ssl-root-cert"));
        // the input gained columns (an edited transform, a resumed job): ALTER or stop
        o.put(
                RedshiftConnectorOptions.SCHEMA_EVOLUTION.key(),
                s.get("schema-evolution", "evolve").toUpperCase(Locale.ROOT));
        return o;
    }
}
