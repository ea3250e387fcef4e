package io.tributary.embedded.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Iterator;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.util.NetUtils;

/**
 * Flink's Prometheus reporter (same metric names and labels as {@code PrometheusReporter}), with
 * the address it binds to as an option: {@code host} (default 127.0.0.1) and {@code port} (a port
 * or a range, default 9249). Flink's own reporter listens on every interface; a developer's laptop
 * running {@code tributary run} should not publish its metrics to the network unasked.
 */
public final class PrometheusEndpointReporter extends AbstractPrometheusReporter {

    static final String ARG_HOST = "host";
    static final String ARG_PORT = "port";
    static final String DEFAULT_HOST = "127.0.0.1";
    static final String DEFAULT_PORT = "9249";

    private HTTPServer server;
    private int port;

    @Override
    public void open(MetricConfig config) {
        super.open(config);
        String host = config.getString(ARG_HOST, DEFAULT_HOST);
        String ports = config.getString(ARG_PORT, DEFAULT_PORT);
        CollectorRegistry registry = registry();
        Iterator<Integer> candidates = NetUtils.getPortRangeFromString(ports);
        IOException last = null;
        while (candidates.hasNext()) {
            int candidate = candidates.next();
            try {
                server = new HTTPServer(new InetSocketAddress(host, candidate), registry, true);
                port = server.getPort();
                log.info("Prometheus metrics on http://{}:{}/metrics", host, port);
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IllegalStateException(
                "The Prometheus endpoint could not bind " + host + " on port(s) " + ports, last);
    }

    /** The port the endpoint listens on, once open. */
    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
        super.close();
    }

    /**
     * The collector registry of the base class, which keeps it package-private: the only way to
     * serve Flink's collectors on an address of our choosing without copying the reporter.
     */
    private CollectorRegistry registry() {
        try {
            Field f = AbstractPrometheusReporter.class.getDeclaredField("registry");
            f.setAccessible(true);
            return (CollectorRegistry) f.get(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "This flink-metrics-prometheus has no collector registry field", e);
        }
    }
}
