package io.tributary.connectors.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.embedded.SharedServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.flink.core.execution.JobClient;

/** A job's state and the failures in its exception history, for a test's failure message. */
final class JobReport {

    private JobReport() {}

    static String of(JobClient job) {
        String id = job.getJobID().toHexString();
        StringBuilder b = new StringBuilder("job ").append(id);
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + SharedServices.flink().restPort() + "/jobs/" + id;
            ObjectMapper json = new ObjectMapper();
            JsonNode state = json.readTree(get(http, base));
            b.append(' ').append(state.path("state").asText("?"));
            JsonNode ex = json.readTree(get(http, base + "/exceptions"));
            for (JsonNode e : ex.path("exceptionHistory").path("entries")) {
                String trace = e.path("stacktrace").asText("");
                String cause =
                        trace.lines()
                                .filter(l -> l.startsWith("Caused by: "))
                                .reduce((x, y) -> y)
                                .orElse("");
                b.append("\n  failure: ")
                        .append(trace.lines().findFirst().orElse(""))
                        .append(cause.isEmpty() ? "" : " / " + cause);
            }
        } catch (Exception e) {
            b.append(" (the cluster did not answer: ").append(e).append(')');
        }
        return b.toString();
    }

    private static String get(HttpClient http, String url) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
