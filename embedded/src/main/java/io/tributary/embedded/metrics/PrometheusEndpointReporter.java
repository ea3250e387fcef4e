package io.tributary.embedded.metrics;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.concurrent.Executors;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.util.NetUtils;

/**
 * Flink's Prometheus reporter (same metric names and labels as {@code PrometheusReporter}), with
 * the address it binds to as an option: {@code host} (default 127.0.0.1) and {@code port} (a port
 * or a range, default 9249). Flink's own reporter listens on every interface; a developer's laptop
 * running {@code tributary run} should not publish its metrics to the network unasked. With a
 * {@code token} (or the environment's {@value #TOKEN_ENV}), scrapes must give it as HTTP Basic
 * credentials (any user; Prometheus' {@code basic_auth}); bound beyond loopback, the endpoint does
 * not open without one.
 */
public final class PrometheusEndpointReporter extends AbstractPrometheusReporter {

    static final String ARG_HOST = "host";
    static final String ARG_PORT = "port";
    static final String ARG_TOKEN = "token";
    static final String TOKEN_ENV = "TRIBUTARY_METRICS_TOKEN";
    static final String DEFAULT_HOST = "127.0.0.1";
    static final String DEFAULT_PORT = "9249";

    private HttpServer server;
    private int port;

    @Override
    public void open(MetricConfig config) {
        super.open(config);
        String host = config.getString(ARG_HOST, DEFAULT_HOST);
        String ports = config.getString(ARG_PORT, DEFAULT_PORT);
        String token = config.getString(ARG_TOKEN, System.getenv(TOKEN_ENV));
        boolean withToken = token != null && !token.isBlank();
        if (!withToken && !loopback(host)) {
            throw new IllegalStateException(
                    "The Prometheus endpoint would listen on "
                            + host
                            + ", beyond this machine, with no token: set metrics.reporter.<name>."
                            + ARG_TOKEN
                            + " (or "
                            + TOKEN_ENV
                            + ") or bind 127.0.0.1");
        }
        CollectorRegistry registry = registry();
        Iterator<Integer> candidates = NetUtils.getPortRangeFromString(ports);
        IOException last = null;
        while (candidates.hasNext()) {
            int candidate = candidates.next();
            try {
                server = HttpServer.create(new InetSocketAddress(host, candidate), 0);
            } catch (IOException e) {
                last = e;
                continue;
            }
            for (String path : new String[] {"/", "/metrics"}) {
                HttpContext context = server.createContext(path, ex -> scrape(ex, registry));
                if (withToken) {
                    context.setAuthenticator(authenticator(token));
                }
            }
            server.setExecutor(
                    Executors.newSingleThreadExecutor(
                            r -> {
                                Thread t = new Thread(r, "prometheus-endpoint");
                                t.setDaemon(true);
                                return t;
                            }));
            server.start();
            port = server.getAddress().getPort();
            log.info(
                    "Prometheus metrics on http://{}:{}/metrics{}",
                    host,
                    port,
                    withToken ? " (token required)" : "");
            return;
        }
        throw new IllegalStateException(
                "The Prometheus endpoint could not bind " + host + " on port(s) " + ports, last);
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static Authenticator authenticator(String token) {
        byte[] expected = token.getBytes(StandardCharsets.UTF_8);
        return new BasicAuthenticator("metrics") {
            @Override
            public boolean checkCredentials(String user, String password) {
                return password != null
                        && MessageDigest.isEqual(
                                expected, password.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    /** The text exposition format (0.0.4), what Prometheus scrapes. */
    private static void scrape(HttpExchange ex, CollectorRegistry registry) throws IOException {
        try (ex) {
            ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
            try (Writer w = new OutputStreamWriter(body, StandardCharsets.UTF_8)) {
                TextFormat.write004(w, registry.metricFamilySamples());
            }
            ex.getResponseHeaders().set("Content-Type", TextFormat.CONTENT_TYPE_004);
            boolean head = ex.getRequestMethod().equalsIgnoreCase("HEAD");
            ex.sendResponseHeaders(200, head ? -1 : body.size());
            if (!head) {
                body.writeTo(ex.getResponseBody());
            }
        }
    }

    /** The port the endpoint listens on, once open. */
    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
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
