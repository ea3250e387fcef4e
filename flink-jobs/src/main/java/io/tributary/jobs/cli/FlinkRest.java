package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a Flink cluster's REST API (the one behind the Web UI): jobs, their vertices and the
 * metrics of those vertices summed or maxed over subtasks.
 */
final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FlinkRest(String base) {
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.base = b.contains("://") ? b : "http://" + b;
    }

    /**
     * The REST address given, else the one of the Flink started by {@code tributary services up}
     * under {@code home}.
     */
    static FlinkRest of(String given, Path home) {
        if (given != null && !given.isBlank()) {
            return new FlinkRest(given);
        }
        Optional<String> url =
                ServicesCommand.runningState(home)
                        .map(s -> s.path("services").path("flink").path("web-ui").asText(""))
                        .filter(s -> !s.isBlank());
        return new FlinkRest(
                url.orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "No Flink REST address: pass --rest host:port, or start"
                                                + " the embedded stack with `tributary services"
                                                + " up`")));
    }

    String base() {
        return base;
    }

    JsonNode get(String path) throws IOException {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while asking " + base + path, e);
        } catch (IOException e) {
            throw new IOException("Flink's REST API at " + base + " does not answer: " + e, e);
        }
        if (response.statusCode() == 404) {
            throw new IllegalArgumentException("Flink at " + base + " knows no " + path);
        }
        if (response.statusCode() != 200) {
            throw new IOException("Flink at " + base + path + " answered " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    /** A vertex's metric names (aggregated over subtasks) that satisfy {@code filter}. */
    List<String> metricNames(
            String jobId, String vertexId, java.util.function.Predicate<String> filter)
            throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode m : get("/jobs/" + jobId + "/vertices/" + vertexId + "/subtasks/metrics")) {
            String id = m.path("id").asText();
            if (filter.test(id)) {
                out.add(id);
            }
        }
        return out;
    }

    /** The metrics summed and maxed over the vertex's subtasks: id → {sum, max}. */
    JsonNode aggregated(String jobId, String vertexId, List<String> names) throws IOException {
        StringBuilder get = new StringBuilder();
        for (String n : names) {
            get.append(get.length() == 0 ? "" : ",")
                    .append(URLEncoder.encode(n, StandardCharsets.UTF_8));
        }
        return get(
                "/jobs/"
                        + jobId
                        + "/vertices/"
                        + vertexId
                        + "/subtasks/metrics?agg=sum,max&get="
                        + get);
    }
}
