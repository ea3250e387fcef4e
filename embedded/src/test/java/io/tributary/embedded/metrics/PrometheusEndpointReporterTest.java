package io.tributary.embedded.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.flink.metrics.MetricConfig;
import org.junit.jupiter.api.Test;

/** Who may scrape the endpoint: anyone on loopback; with a token, only who gives it. */
class PrometheusEndpointReporterTest {

    private static MetricConfig config(String host, String token) {
        MetricConfig c = new MetricConfig();
        c.setProperty(PrometheusEndpointReporter.ARG_HOST, host);
        c.setProperty(PrometheusEndpointReporter.ARG_PORT, "0");
        if (token != null) {
            c.setProperty(PrometheusEndpointReporter.ARG_TOKEN, token);
        }
        return c;
    }

    private static int status(int port, String authorization) throws Exception {
        HttpRequest.Builder req =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient()
                .send(req.build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static String basic(String user, String password) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void beyondLoopbackTheEndpointDoesNotOpenWithoutAToken() {
        PrometheusEndpointReporter reporter = new PrometheusEndpointReporter();
        assertThatThrownBy(() -> reporter.open(config("0.0.0.0", null)))
                .hasMessageContaining("beyond this machine")
                .hasMessageContaining("token");
        assertThat(reporter.port()).as("nothing bound").isZero();
        reporter.close();
    }

    @Test
    void onLoopbackAnyoneMayScrape() throws Exception {
        PrometheusEndpointReporter reporter = new PrometheusEndpointReporter();
        reporter.open(config("127.0.0.1", null));
        try {
            assertThat(status(reporter.port(), null)).isEqualTo(200);
        } finally {
            reporter.close();
        }
    }

    @Test
    void withATokenOnlyWhoGivesItMayScrape() throws Exception {
        PrometheusEndpointReporter reporter = new PrometheusEndpointReporter();
        reporter.open(config("127.0.0.1", "scrape-token"));
        try {
            assertThat(status(reporter.port(), null)).isEqualTo(401);
            assertThat(status(reporter.port(), basic("prometheus", "wrong"))).isEqualTo(401);
            assertThat(status(reporter.port(), basic("prometheus", "scrape-token"))).isEqualTo(200);
        } finally {
            reporter.close();
        }
    }
}
