package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.objectstore.S3Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How the CLI reaches S3: {@code --s3-endpoint}, else the embedded S3 server while {@code services
 * up} runs, else AWS; keys from the AWS default credential chain, never from the command line.
 */
final class S3Access {

    @Option(
            names = "--s3-endpoint",
            paramLabel = "URL",
            description =
                    "S3-compatible endpoint (default: AWS, or the embedded S3 server when"
                            + " `services up` runs). Keys come from the AWS default chain"
                            + " (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, roles).")
    String endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "S3 region.")
    String region;

    /**
     * Settings for an S3 endpoint a crawler definition names: the embedded server's keys when it is
     * the one {@code services up} runs, else keys from the AWS default chain.
     */
    static S3Settings forEndpoint(String endpoint, Path home) {
        Optional<JsonNode> running = ServicesCommand.runningState(home);
        if (running.isPresent()
                && endpoint.equals(running.get().at("/services/s3/endpoint").asText(null))) {
            JsonNode s3 = running.get().at("/services/s3");
            return new S3Settings(
                    endpoint,
                    s3.path("region").asText("us-east-1"),
                    true,
                    s3.path("access-key").asText(null),
                    s3.path("secret-key").asText(null));
        }
        return new S3Settings(endpoint, null, true, null, null);
    }

    /** Settings for {@code location}; null when it is not on S3. */
    S3Settings settings(String location, Path home, PrintWriter err) {
        if (!location.startsWith("s3")) {
            return null;
        }
        if (endpoint != null) {
            return new S3Settings(endpoint, region, true, null, null);
        }
        Optional<JsonNode> running = ServicesCommand.runningState(home);
        if (running.isPresent() && running.get().at("/services/s3/endpoint").isTextual()) {
            JsonNode s3 = running.get().at("/services/s3");
            err.println("using the embedded S3 server at " + s3.get("endpoint").asText());
            return new S3Settings(
                    s3.get("endpoint").asText(),
                    s3.path("region").asText("us-east-1"),
                    true,
                    s3.path("access-key").asText(null),
                    s3.path("secret-key").asText(null));
        }
        return new S3Settings(null, region, false, null, null);
    }
}
