package io.tributary.embedded;

import io.tributary.embedded.internal.Ports;
import io.tributary.embedded.internal.SelfSignedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.MetaProperties;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A single Kafka broker in KRaft mode (broker and controller in one node), in this JVM. Its log
 * directory is formatted once and kept, so topics survive a restart of the service.
 */
public final class KafkaService implements EmbeddedService {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaService.class);

    private KafkaRaftServer server;
    private final KafkaConfig config;
    private final int port;
    private final Path logDir;
    private volatile boolean closed;

    /** What a client needs to talk to the broker (security settings), beside the bootstrap. */
    private final Map<String, String> clientSecurity;

    private KafkaService(
            KafkaRaftServer server,
            KafkaConfig config,
            int port,
            Path logDir,
            Map<String, String> clientSecurity) {
        this.server = server;
        this.config = config;
        this.port = port;
        this.logDir = logDir;
        this.clientSecurity = clientSecurity;
    }

    /** Starts a broker with its log in {@code logDir}, on {@code port} or a free port when 0. */
    public static KafkaService start(Path logDir, int port) {
        return start(logDir, port, null, null, null);
    }

    /**
     * Starts a broker whose clients must use SASL_SSL: TLS with {@code tls}'s certificate (PEM, for
     * 127.0.0.1) and SASL PLAIN with {@code user}/{@code password}, as Amazon MSK or Confluent
     * Cloud ask. The broker talks to itself over the same listener.
     */
    public static KafkaService startSaslSsl(
            Path logDir, int port, SelfSignedCertificate tls, String user, String password) {
        return start(
                logDir,
                port,
                Objects.requireNonNull(tls),
                Objects.requireNonNull(user),
                Objects.requireNonNull(password));
    }

    private static String jaasValue(String v) {
        return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static KafkaService start(
            Path logDir, int port, SelfSignedCertificate tls, String user, String password) {
        int brokerPort = port > 0 ? port : Ports.freePort();
        int controllerPort = Ports.freePort();
        String protocol = tls == null ? "PLAINTEXT" : "SASL_SSL";
        Map<String, String> clientSecurity = new LinkedHashMap<>();
        Properties props = new Properties();
        if (tls != null) {
            // the login the broker and its clients give; the broker also lists the user
            String login =
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username="
                            + jaasValue(user)
                            + " password="
                            + jaasValue(password);
            try {
                props.put(
                        "listener.name.sasl_ssl.plain.sasl.jaas.config",
                        login + " user_" + user + "=" + jaasValue(password) + ";");
                props.put("sasl.enabled.mechanisms", "PLAIN");
                props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
                props.put("ssl.keystore.type", "PEM");
                props.put("ssl.keystore.certificate.chain", Files.readString(tls.certificate()));
                props.put("ssl.keystore.key", Files.readString(tls.privateKey()));
                props.put("ssl.truststore.type", "PEM");
                props.put("ssl.truststore.certificates", Files.readString(tls.certificate()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            clientSecurity.put("security.protocol", "SASL_SSL");
            clientSecurity.put("sasl.mechanism", "PLAIN");
            clientSecurity.put("sasl.jaas.config", login + ";");
            clientSecurity.put("ssl.truststore.type", "PEM");
            clientSecurity.put("ssl.truststore.location", tls.certificate().toString());
        }
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + Ports.LOOPBACK + ":" + controllerPort);
        props.put(
                "listeners",
                protocol
                        + "://"
                        + Ports.LOOPBACK
                        + ":"
                        + brokerPort
                        + ",CONTROLLER://"
                        + Ports.LOOPBACK
                        + ":"
                        + controllerPort);
        props.put("advertised.listeners", protocol + "://" + Ports.LOOPBACK + ":" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put(
                "listener.security.protocol.map",
                protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", protocol);
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        props.put("log.flush.interval.messages", "1");
        try {
            Files.createDirectories(logDir);
            KafkaConfig config = new KafkaConfig(props);
            formatOnce(logDir);
            LOG.info("Starting Kafka (KRaft) on 127.0.0.1:{} with log in {}", brokerPort, logDir);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM, Option.empty());
            server.startup();
            KafkaService service =
                    new KafkaService(
                            server, config, brokerPort, logDir, Map.copyOf(clientSecurity));
            service.awaitReady();
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void formatOnce(Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc =
                StorageTool.formatCommand(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        CollectionConverters.asScala(List.of(logDir.toString())).toSeq(),
                        MetaProperties.apply(Uuid.randomUuid().toString(), 1),
                        MetadataVersion.latest(),
                        true);
        if (rc != 0) {
            throw new IllegalStateException(
                    "Formatting the Kafka log dir "
                            + logDir
                            + " failed: "
                            + out.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady() {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Kafka did not become ready on port " + port, e);
        }
    }

    /**
     * Stops the broker and starts it again on the same ports with the same log, after {@code
     * downtime}: what a broker restart (a rolling upgrade, an MSK patch) looks like to clients
     * (fault tests).
     */
    public synchronized void restart(Duration downtime) {
        if (closed) {
            throw new IllegalStateException("Kafka is closed");
        }
        server.shutdown();
        server.awaitShutdown();
        try {
            Thread.sleep(downtime.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        LOG.info("Restarting Kafka (KRaft) on 127.0.0.1:{}", port);
        server = new KafkaRaftServer(config, Time.SYSTEM, Option.empty());
        server.startup();
        awaitReady();
    }

    @Override
    public String name() {
        return "kafka";
    }

    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.putAll(clientSecurity);
        return Admin.create(p);
    }

    /**
     * The settings a client needs beside {@code bootstrap.servers}: none for the plain broker;
     * SASL_SSL, the mechanism, the JAAS login and the PEM truststore for a secured one.
     */
    public Map<String, String> clientSecurity() {
        return clientSecurity;
    }

    /** Creates a topic of its own for a test or a demo (no-op when it exists). */
    public void createTopic(String topic, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Could not create topic " + topic, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> endpoints() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("bootstrap-servers", bootstrapServers());
        e.put("log-dir", logDir.toString());
        return e;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
    }
}
