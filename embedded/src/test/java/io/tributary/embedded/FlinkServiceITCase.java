package io.tributary.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class FlinkServiceITCase {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void runsAJobSubmittedLikeToARemoteCluster() throws Exception {
        FlinkService flink = SharedServices.flink();
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(flink.clientConfiguration());
        env.setParallelism(2);
        List<Long> sums =
                env.fromSequence(1, 1000)
                        .map(x -> x % 10)
                        .returns(Types.LONG)
                        .keyBy(x -> 0)
                        .sum(0)
                        .executeAndCollect(10_000);
        assertThat(sums).hasSize(1000);
        assertThat(sums).contains(4500L);
    }

    @Test
    void webUiAndRestApiAnswerOnLoopback() throws Exception {
        FlinkService flink = SharedServices.flink();
        HttpResponse<String> overview =
                http.send(
                        HttpRequest.newBuilder(URI.create(flink.webUiUrl() + "/overview")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(overview.statusCode()).isEqualTo(200);
        JsonNode json = new ObjectMapper().readTree(overview.body());
        assertThat(json.get("taskmanagers").asInt()).isEqualTo(1);
        assertThat(json.get("slots-total").asInt()).isEqualTo(flink.slots());
        assertThat(json.get("flink-version").asText()).isEqualTo("1.20.3");

        HttpResponse<String> ui =
                http.send(
                        HttpRequest.newBuilder(URI.create(flink.webUiUrl() + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("Apache Flink Web Dashboard");
    }
}
