package io.tributary.jobs.translator;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A Kafka source's or sink's security settings as Kafka client properties: {@code
 * security-protocol} (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL), {@code sasl-mechanism} (PLAIN,
 * SCRAM-SHA-256, SCRAM-SHA-512) with {@code sasl-username} and {@code sasl-password} (a JAAS login,
 * masked in plans and errors), and {@code ssl-root-cert}, a PEM file of the certificate authority
 * the brokers' certificates chain to.
 */
final class KafkaSecurityOptions {

    private KafkaSecurityOptions() {}

    static void put(Function<String, String> setting, Map<String, String> o) {
        String protocol = setting.apply("security-protocol");
        if (protocol != null) {
            o.put("properties.security.protocol", protocol.toUpperCase(Locale.ROOT));
        }
        String mechanism = setting.apply("sasl-mechanism");
        String m = mechanism == null ? "PLAIN" : mechanism.toUpperCase(Locale.ROOT);
        String user = setting.apply("sasl-username"); // with sasl-password: the parser asks both
        if (mechanism != null || user != null) {
            o.put("properties.sasl.mechanism", m);
        }
        if (user != null) {
            String module =
                    m.equals("PLAIN")
                            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                            : "org.apache.kafka.common.security.scram.ScramLoginModule";
            o.put(
                    "properties.sasl.jaas.config",
                    module
                            + " required username="
                            + quoted(user)
                            + " password="
                            + quoted(setting.apply("sasl-password"))
                            + ";");
        }
        String rootCert = setting.apply("ssl-root-cert");
        if (rootCert != null) {
            o.put("properties.ssl.truststore.type", "PEM");
            o.put("properties.ssl.truststore.location", rootCert);
        }
    }

    /** A JAAS option value: double quotes, with backslashes and quotes escaped. */
    private static String quoted(String v) {
        String s = v == null ? "" : v;
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
