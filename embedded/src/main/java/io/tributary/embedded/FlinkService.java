package io.tributary.embedded;

import io.tributary.embedded.internal.Ports;
import io.tributary.embedded.metrics.PrometheusEndpointReporterFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.DefaultPluginManager;
import org.apache.flink.core.plugin.DirectoryBasedPluginFinder;
import org.apache.flink.core.plugin.PluginConfig;
import org.apache.flink.core.plugin.PluginManager;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink MiniCluster with its REST endpoint and Web UI on 127.0.0.1. Jobs reach it the way they
 * reach a real session cluster: {@link #clientConfiguration()} selects the {@code remote} target.
 *
 * <p>The S3 filesystem (flink-s3-fs-hadoop) is loaded as a Flink plugin from {@link #pluginsDir()},
 * never from the classpath (its unshaded Guava breaks S3Proxy).
 */
public final class FlinkService implements EmbeddedService {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkService.class);

    /** System property naming the Flink plugins folder; falls back to FLINK_PLUGINS_DIR. */
    public static final String PLUGINS_DIR_PROPERTY = "tributary.plugins.dir";

    /** The Prometheus endpoint's port: a free one, unless {@code extraConfig} sets it. */
    public static final String PROMETHEUS_PORT = "metrics.reporter.prom.port";

    private final MiniCluster cluster;
    private final URI restAddress;
    private final int slots;
    private final int prometheusPort;
    private volatile boolean closed;

    /** The index of the TaskManager now running: Flink keeps terminated ones in its list. */
    private int liveTaskManager;

    private FlinkService(MiniCluster cluster, URI restAddress, int slots, int prometheusPort) {
        this.cluster = cluster;
        this.restAddress = restAddress;
        this.slots = slots;
        this.prometheusPort = prometheusPort;
    }

    /**
     * Starts a MiniCluster with one TaskManager of {@code slots} slots, the REST API and Web UI on
     * {@code restPort} (free port when 0). {@code extraConfig} (e.g. the S3 keys of {@link
     * S3Service#flinkConfig()}) also configures the file systems of this JVM.
     */
    public static FlinkService start(int restPort, int slots, Map<String, String> extraConfig) {
        Configuration conf = new Configuration();
        // the Web UI and `tributary cdc progress` show metrics at most this old (Flink: 10 s)
        conf.setString("metrics.fetcher.update-interval", "1 s");
        // every job's metrics for Prometheus, on 127.0.0.1 (docs/operations.md)
        conf.setString(
                "metrics.reporter.prom.factory.class",
                PrometheusEndpointReporterFactory.class.getName());
        conf.setString("metrics.reporter.prom.host", Ports.LOOPBACK);
        conf.setString(PROMETHEUS_PORT, Integer.toString(Ports.freePort()));
        // Iceberg's shared worker threads (a static pool; on this JVM's classpath, so shared by
        // every job here) keep the context class loader of the job that started them: Flink's
        // leak check would fail their later use once that job has ended. Iceberg's Flink guide
        // sets the same.
        conf.setString("classloader.check-leaked-classloader", "false");
        extraConfig.forEach(conf::setString);
        String promPort = conf.getString(PROMETHEUS_PORT, "");
        // a range ("9249-9260") is the reporter's to pick from: the URL then names its first port
        int prometheusPort = Integer.parseInt(promPort.split("-", 2)[0].trim());
        conf.set(RestOptions.BIND_ADDRESS, Ports.LOOPBACK);
        conf.set(RestOptions.ADDRESS, Ports.LOOPBACK);
        // no port asked for: the REST endpoint binds one the kernel picks, in the same call (a
        // port probed free first was taken by another socket before Flink bound it, in CI)
        conf.set(RestOptions.BIND_PORT, restPort > 0 ? Integer.toString(restPort) : "0");
        conf.set(JobManagerOptions.ADDRESS, Ports.LOOPBACK);
        conf.set(JobManagerOptions.BIND_HOST, Ports.LOOPBACK);
        conf.set(TaskManagerOptions.HOST, Ports.LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, Ports.LOOPBACK);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(128));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.ofMebiBytes(64));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.ofMebiBytes(64));
        initializeFileSystems(conf);

        MiniClusterConfiguration mcc =
                new MiniClusterConfiguration.Builder()
                        .setConfiguration(conf)
                        .setNumTaskManagers(1)
                        .setNumSlotsPerTaskManager(slots)
                        .build();
        MiniCluster cluster = new MiniCluster(mcc);
        try {
            cluster.start();
            URI rest = cluster.getRestAddress().get();
            LOG.info(
                    "Started Flink MiniCluster, Web UI on http://127.0.0.1:{}, Prometheus metrics"
                            + " on http://127.0.0.1:{}/metrics",
                    rest.getPort(),
                    prometheusPort);
            return new FlinkService(cluster, rest, slots, prometheusPort);
        } catch (Exception e) {
            try {
                cluster.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("Flink MiniCluster did not start", e);
        }
    }

    /**
     * Registers Flink's file systems for this JVM with {@code conf} (S3 endpoint and keys) and the
     * plugins found in {@link #pluginsDir()}.
     */
    public static void initializeFileSystems(Configuration conf) {
        Optional<Path> dir = pluginsDir();
        PluginManager plugins = null;
        if (dir.isPresent()) {
            try {
                plugins =
                        new DefaultPluginManager(
                                new DirectoryBasedPluginFinder(dir.get()).findPlugins(),
                                PluginConfig.fromConfiguration(conf)
                                        .getAlwaysParentFirstPatterns());
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read Flink plugins in " + dir.get(), e);
            }
        } else {
            LOG.warn(
                    "No Flink plugins folder (set -D{} or FLINK_PLUGINS_DIR): s3:// paths will not"
                            + " resolve",
                    PLUGINS_DIR_PROPERTY);
        }
        FileSystem.initialize(conf, plugins);
    }

    /** The folder holding Flink plugins ({@code s3-fs-hadoop/...jar}), if one is configured. */
    public static Optional<Path> pluginsDir() {
        String configured = System.getProperty(PLUGINS_DIR_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("FLINK_PLUGINS_DIR");
        }
        if (configured == null || configured.isBlank()) {
            return Optional.empty();
        }
        Path dir = Paths.get(configured);
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }

    @Override
    public String name() {
        return "flink";
    }

    public URI restAddress() {
        return restAddress;
    }

    public int restPort() {
        return restAddress.getPort();
    }

    public String webUiUrl() {
        return "http://" + Ports.LOOPBACK + ":" + restAddress.getPort();
    }

    /**
     * Kills the TaskManager (every task on it fails at once, as when its machine goes away) and
     * starts a fresh one with the same slots: jobs restart from their last checkpoint (fault
     * tests).
     */
    public synchronized void replaceTaskManager() throws Exception {
        cluster.terminateTaskManager(liveTaskManager).get();
        cluster.startTaskManager();
        liveTaskManager++;
    }

    /** Where Prometheus scrapes every job of this cluster (text format). */
    public String prometheusUrl() {
        return "http://" + Ports.LOOPBACK + ":" + prometheusPort + "/metrics";
    }

    public MiniCluster miniCluster() {
        return cluster;
    }

    public int slots() {
        return slots;
    }

    /**
     * Configuration for a client (StreamExecutionEnvironment, TableEnvironment) that submits to
     * this cluster as it would to a remote session cluster.
     */
    public Configuration clientConfiguration() {
        Configuration conf = new Configuration();
        conf.set(DeploymentOptions.TARGET, "remote");
        conf.set(RestOptions.ADDRESS, Ports.LOOPBACK);
        conf.set(RestOptions.PORT, restAddress.getPort());
        conf.set(DeploymentOptions.ATTACHED, false);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, Math.min(2, slots));
        return conf;
    }

    /**
     * A streaming TableEnvironment that submits to this cluster, with {@code settings} (e.g.
     * checkpoint interval, parallelism) on top of {@link #clientConfiguration()}.
     */
    public TableEnvironment streamingTableEnvironment(Map<String, String> settings) {
        Configuration conf = clientConfiguration();
        settings.forEach(conf::setString);
        return TableEnvironment.create(
                EnvironmentSettings.newInstance()
                        .inStreamingMode()
                        .withConfiguration(conf)
                        .build());
    }

    @Override
    public Map<String, String> endpoints() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("web-ui", webUiUrl());
        e.put("rest-address", Ports.LOOPBACK + ":" + restAddress.getPort());
        e.put("prometheus", prometheusUrl());
        e.put("slots", Integer.toString(slots));
        return e;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            cluster.close();
        } catch (Exception e) {
            LOG.warn("Flink MiniCluster did not stop cleanly", e);
        }
    }
}
