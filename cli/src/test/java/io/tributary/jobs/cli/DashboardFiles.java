package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.jobs.runs.ReferenceFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository's docker/ folder and the metric names its Grafana dashboard queries. */
public final class DashboardFiles {

    private static final Pattern METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_]+");

    private DashboardFiles() {}

    static Path docker() {
        return ReferenceFixture.examples().getParent().resolve("docker");
    }

    static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(docker().resolve("grafana/tributary.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every metric name in the dashboard's queries (panel targets and template variables). */
    public static Set<String> metricNames() {
        Set<String> out = new TreeSet<>();
        collect(dashboard(), out);
        return out;
    }

    private static void collect(JsonNode n, Set<String> out) {
        if (n.isTextual()) {
            Matcher m = METRIC.matcher(n.asText());
            while (m.find()) {
                out.add(m.group());
            }
        }
        n.forEach(child -> collect(child, out));
    }
}
