package io.tributary.catalog.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Confluent's Python client, as Debian ships it ({@code python3-confluent-kafka}), drives the
 * registry: register, versions, lookup, compatibility, soft and permanent deletes of versions and
 * subjects, config, and Confluent's error codes. {@code .ci/run} installs the client; on a machine
 * without it the test says so and is skipped, except in CI, where it fails.
 */
class ConfluentPythonClientITCase {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir Path dir;

    @Test
    void confluentsPythonClientWorksAgainstTheRegistry() throws Exception {
        boolean available = clientInstalled();
        if (!available && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(
                    "Debian's python3-confluent-kafka (and python3-requests) is not installed;"
                            + " .ci/run installs it");
        }
        Assumptions.assumeTrue(
                available,
                "Confluent's Python client is not installed: apt-get install python3-confluent-kafka"
                        + " python3-requests (as .ci/run does)");
        Path script = dir.resolve("client.py");
        try (var in = getClass().getResourceAsStream("/registry/confluent_python_client.py")) {
            Files.write(script, in.readAllBytes());
        }
        try (RegistryHttpServer server = RegistryHttpServer.start(dir.resolve("reg"), 0)) {
            Process p =
                    new ProcessBuilder(PYTHON, script.toString(), server.url())
                            .redirectErrorStream(true)
                            .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).as(out).contains("ok 23 checks");
            System.out.println(
                    "reliability: Confluent's Python client (Debian python3-confluent-kafka): 23"
                            + " registry checks passed (deletes, compatibility, error codes)");
        }
    }

    private static boolean clientInstalled() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return false;
        }
        Process p =
                new ProcessBuilder(PYTHON, "-c", "import confluent_kafka.schema_registry, requests")
                        .redirectErrorStream(true)
                        .start();
        p.getInputStream().readAllBytes();
        return p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0;
    }
}
