package io.tributary.jobs.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads a Flink cluster's REST API (the one behind the Web UI): jobs, their vertices and the
 * metrics of those vertices summed or maxed over subtasks.
 */
public final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRest(String base) {
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.base = b.contains("://") ? b : "http://" + b;
    }

    public String base() {
        return base;
    }

    /** POSTs {@code body} (JSON) and returns the answer; any status but 200/202 is an error. */
    public JsonNode post(String path, JsonNode body) throws IOException {
        return send(
                path,
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build());
    }

    /** GETs {@code path}; a 404 is an IllegalArgumentException (no such job or vertex). */
    public JsonNode get(String path) throws IOException {
        return send(
                path,
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build());
    }

    private JsonNode send(String path, HttpRequest request) throws IOException {
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
        if (response.statusCode() != 200 && response.statusCode() != 202) {
            throw new IOException(
                    "Flink at "
                            + base
                            + path
                            + " answered "
                            + response.statusCode()
                            + ": "
                            + response.body().lines().findFirst().orElse(""));
        }
        return JSON.readTree(response.body());
    }

    /** A vertex's metric names (aggregated over subtasks) that satisfy {@code filter}. */
    public List<String> metricNames(String jobId, String vertexId, Predicate<String> filter)
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
    public JsonNode aggregated(String jobId, String vertexId, List<String> names)
            throws IOException {
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
