package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

/** Runs the CLI in this JVM and captures what it prints, as a user would see it. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Tributary.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute(args);
        return new CliRun(rc, out.toString(), err.toString());
    }

    /**
     * Waits until {@code tributary cdc progress} shows {@code table} of job {@code jobId} as
     * streaming; returns its figures.
     */
    public static JsonNode awaitStreaming(String rest, String jobId, String table) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            CliRun p =
                                    CliRun.of("cdc", "progress", jobId, "--rest", rest, "--json");
                            assertThat(p.exitCode()).as(p.err()).isZero();
                            last[0] = null;
                            for (JsonNode t : new ObjectMapper().readTree(p.out())) {
                                if (t.get("table").asText().equals(table)) {
                                    last[0] = t;
                                }
                            }
                            assertThat(last[0]).as(p.out()).isNotNull();
                            assertThat(last[0].get("streaming").asBoolean()).as(p.out()).isTrue();
                        });
        return last[0];
    }
}
