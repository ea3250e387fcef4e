package io.tributary.connectors.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.embedded.SharedServices;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.JobID;

/** A job's operator metrics as Flink's REST API on the shared MiniCluster shows them now. */
final class JobMetrics {

    private JobMetrics() {}

    /**
     * {@code agg} ("max", "sum") over the subtasks of the first metric whose id ends with {@code
     * "." + suffix}, in any vertex of {@code job}; -1 while no such metric shows.
     */
    static long get(JobID job, String suffix, String agg) throws Exception {
        String jobPath = "/jobs/" + job.toHexString();
        for (JsonNode v : rest(jobPath).path("vertices")) {
            String metrics = jobPath + "/vertices/" + v.path("id").asText() + "/subtasks/metrics";
            for (JsonNode m : rest(metrics)) {
                String id = m.path("id").asText();
                if (id.endsWith("." + suffix)) {
                    JsonNode values =
                            rest(
                                    metrics
                                            + "?agg="
                                            + agg
                                            + "&get="
                                            + URLEncoder.encode(id, StandardCharsets.UTF_8));
                    return values.path(0).path(agg).asLong(-1);
                }
            }
        }
        return -1;
    }

    private static JsonNode rest(String path) throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                SharedServices.flink().restAddress().resolve(path))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body());
    }
}
