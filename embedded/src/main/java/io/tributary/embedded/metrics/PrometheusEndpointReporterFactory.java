package io.tributary.embedded.metrics;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * {@code metrics.reporter.prom.factory.class:
 * io.tributary.embedded.metrics.PrometheusEndpointReporterFactory}, with {@code
 * metrics.reporter.prom.host} and {@code metrics.reporter.prom.port}.
 */
public final class PrometheusEndpointReporterFactory implements MetricReporterFactory {

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new PrometheusEndpointReporter();
    }
}
