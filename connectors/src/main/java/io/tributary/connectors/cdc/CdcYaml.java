package io.tributary.connectors.cdc;

import io.tributary.connectors.yaml.EndpointVocabulary;
import io.tributary.connectors.yaml.YamlBlock;
import io.tributary.connectors.yaml.YamlEndpoint;
import java.util.Map;
import java.util.Set;
import org.apache.flink.annotation.Internal;

/**
 * {@code type: cdc} in a pipeline file: a MySQL/MariaDB or PostgreSQL table's change stream,
 * derived from its JDBC URL by {@link CdcTableOptions} (as a crawled table read continuously is).
 */
@Internal
public final class CdcYaml implements EndpointVocabulary {

    public static final CdcYaml SOURCE = new CdcYaml();

    private CdcYaml() {}

    @Override
    public String type() {
        return "cdc";
    }

    @Override
    public Role role() {
        return Role.SOURCE;
    }

    @Override
    public Set<String> keys() {
        return Set.of(
                "url",
                "table",
                "user",
                "password",
                "startup",
                "server-id",
                "slot",
                "ssl-mode",
                "ssl-root-cert");
    }

    @Override
    public Map<String, String> check(YamlBlock b) {
        String url = b.required("url");
        CdcConnection connection;
        try {
            connection = CdcConnection.parse(url, null, null);
        } catch (IllegalArgumentException e) {
            throw b.error(
                    "url",
                    "'"
                            + url.replaceAll("\\?.*", "")
                            + "' is not a jdbc:mysql://, jdbc:mariadb:// or jdbc:postgresql:// URL");
        }
        String table = b.required("table");
        if (!table.contains(".")) {
            throw b.error(
                    "table",
                    "'" + table + "' needs its database (MySQL) or schema (PostgreSQL): db.table");
        }
        b.oneOf("startup", "initial", "initial", "latest");
        EndpointVocabulary.checkSslMode(b);
        if (connection.kind() != CdcConnection.Kind.POSTGRES
                && b.string("ssl-root-cert").isPresent()) {
            throw b.error(
                    "ssl-root-cert",
                    "is for PostgreSQL sources (a PEM file); MySQL's clients trust a Java"
                            + " truststore: give it under options as "
                            + CdcConnectorOptions.DEBEZIUM_PREFIX
                            + "database.ssl.truststore and "
                            + CdcConnectorOptions.JDBC_PROPERTIES_PREFIX
                            + "trustCertificateKeyStoreUrl");
        }
        if (b.keys().isEmpty()) {
            throw b.error(
                    "primary-key",
                    "is required for a change stream: updates and deletes are matched on it");
        }
        return EndpointVocabulary.none();
    }

    @Override
    public Map<String, String> options(YamlEndpoint s) {
        String[] table = s.get("table").split("\\.", 2);
        return CdcTableOptions.forUrl(s.get("url"))
                .credentials(s.get("user"), s.get("password"))
                .table(table[0], table[1])
                .keyed(!s.keys().isEmpty())
                .reader(s.name())
                .slot(s.get("slot"))
                .latest("latest".equals(s.get("startup")))
                .serverId(s.get("server-id"))
                .tls(s.get("ssl-mode"), s.get("ssl-root-cert"))
                .options();
    }
}
