package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import io.tributary.jobs.runs.ReferenceFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference pipeline run by the CLI in a JVM of its own, with a MariaDB password from the
 * environment, a warehouse password from a file ({@code ${file:...}}) and the S3 secret key from
 * the environment: nothing secret on any command line. After it loaded the warehouse, every place a
 * user or an operator can look is searched for the three values: the run's console and log files,
 * {@code --plan}, {@code jobs status/history --json}, {@code jobs watch}, what the Flink Web UI
 * shows of the job (its configuration, plan, exceptions, the cluster's configuration), and every
 * byte of the checkpoints, savepoints and run history on disk.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SecretsITCase {

    private static final String PIPELINE = "ecommerce-sales-enriched";

    @TempDir Path home;

    @Test
    void noSecretValueReachesLogsOutputsTheWebUiOrStateOnDisk() throws Exception {
        String mariadbSecret = "Mdb-" + UUID.randomUUID();
        String warehouseSecret = "Pg-" + UUID.randomUUID();
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("MariaDB password", mariadbSecret);
        secrets.put("warehouse password", warehouseSecret);
        secrets.put("S3 secret key", S3Service.SECRET_KEY);

        ReferenceFixture world =
                new ReferenceFixture("secret_shop", "secret_warehouse", "secret-sales", 200);
        world.prepare();
        world.writeSales(0);
        world.writeSales(1);
        try (Connection c = SharedServices.mariadb().connect("");
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE OR REPLACE USER 'secret_reader'@'127.0.0.1' IDENTIFIED BY '"
                            + mariadbSecret
                            + "'");
            s.execute("GRANT ALL PRIVILEGES ON *.* TO 'secret_reader'@'127.0.0.1'");
        }
        try (Connection c = SharedServices.postgres().connect("secret_warehouse");
                Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS secret_writer");
            s.execute(
                    "CREATE ROLE secret_writer LOGIN SUPERUSER PASSWORD '" + warehouseSecret + "'");
        }
        // the shipped pipeline, its warehouse password read from a file (a mounted secret)
        Path passwordFile = home.resolve("warehouse-password");
        Files.writeString(passwordFile, warehouseSecret + "\n");
        String text =
                Files.readString(ReferenceFixture.examples().resolve("ecommerce/pipeline.yaml"));
        String edited =
                text.replace(
                        "password: ${postgres.password}", "password: ${file:" + passwordFile + "}");
        assertThat(edited).isNotEqualTo(text);
        Path file = home.resolve("pipeline.yaml");
        Files.writeString(file, edited);

        Map<String, String> env = world.environment();
        env.put("mariadb.user", "secret_reader");
        env.put("mariadb.password", mariadbSecret);
        env.put("postgres.user", "secret_writer");

        Map<String, String> seen = new LinkedHashMap<>(); // where -> what it showed
        Path log = home.resolve("run.log");
        Process run =
                CliProcess.start(
                        List.of("run", file.toString(), "--home", home.toString()), env, log);
        try {
            world.awaitWarehouseEqualsReference(() -> String.join("\n", JvmLauncher.tail(log, 30)));
            world.rename(3, "Secretly Renamed", "NZ");
            world.awaitWarehouseEqualsReference(() -> String.join("\n", JvmLauncher.tail(log, 30)));

            // what the Flink Web UI shows of the job and its cluster
            Matcher ui =
                    Pattern.compile("Flink Web UI: (http://127\\.0\\.0\\.1:\\d+)")
                            .matcher(Files.readString(log));
            assertThat(ui.find()).isTrue();
            String rest = ui.group(1);
            String jobs = get(rest + "/jobs/overview");
            Matcher jid = Pattern.compile("\"jid\":\"([0-9a-f]{32})\"").matcher(jobs);
            assertThat(jid.find()).isTrue();
            String job = jid.group(1);
            for (String path :
                    List.of(
                            "/jobs/" + job,
                            "/jobs/" + job + "/config",
                            "/jobs/" + job + "/plan",
                            "/jobs/" + job + "/exceptions",
                            "/jobs/" + job + "/checkpoints",
                            "/jobs/" + job + "/checkpoints/config",
                            "/jobmanager/config",
                            "/jobmanager/environment")) {
                seen.put("Web UI " + path, get(rest + path));
            }
            // the CLI, as an operator uses it against the running pipeline
            seen.put(
                    "jobs watch",
                    CliRun.of("jobs", "watch", PIPELINE, "--count", "1", "--home", home.toString())
                            .out());
            CliRun stop = CliRun.of("stop", PIPELINE, "--home", home.toString());
            assertThat(stop.exitCode()).as(stop.out() + stop.err()).isZero();
            assertThat(run.waitFor(2, TimeUnit.MINUTES)).isTrue();
        } finally {
            run.destroyForcibly();
        }
        seen.put(
                "jobs status --json",
                CliRun.of("jobs", "status", PIPELINE, "--json", "--home", home.toString()).out());
        seen.put(
                "jobs history --json",
                CliRun.of("jobs", "history", "--json", "--home", home.toString()).out());
        seen.put(
                "bookmark show",
                CliRun.of("bookmark", "show", PIPELINE, "--home", home.toString()).out());
        // --plan in a JVM of its own, with the same environment
        Path planLog = home.resolve("plan.log");
        Process plan =
                CliProcess.start(
                        List.of("run", file.toString(), "--plan", "--home", home.toString()),
                        env,
                        planLog);
        assertThat(plan.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String planText = Files.readString(planLog);
        assertThat(planText).contains("'password' = '******'");
        seen.put("run --plan", planText);

        // every file the runs left: console, logs, checkpoints, savepoints, the run history
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(home)) {
            walk.filter(Files::isRegularFile)
                    .filter(p -> !p.equals(passwordFile) && !p.equals(file))
                    .forEach(files::add);
        }
        assertThat(files).anyMatch(p -> p.toString().contains("/logs/"));
        assertThat(files).anyMatch(p -> p.toString().contains("/savepoints/"));
        assertThat(files).anyMatch(p -> p.getFileName().toString().endsWith(".mv.db"));
        for (Path f : files) {
            seen.put(
                    home.relativize(f).toString(),
                    new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        }

        List<String> leaks = new ArrayList<>();
        seen.forEach(
                (where, content) ->
                        secrets.forEach(
                                (what, value) -> {
                                    if (content.contains(value)) {
                                        leaks.add(what + " in " + where);
                                    }
                                }));
        assertThat(leaks).as("places showing a secret").isEmpty();
        // the search finds a secret where one is: the file that holds the warehouse password
        assertThat(new String(Files.readAllBytes(passwordFile), StandardCharsets.ISO_8859_1))
                .contains(secrets.get("warehouse password"));
        System.out.printf(
                "reliability: secrets: %d values searched in %d places (%d files, %d CLI outputs and"
                        + " Web UI pages), 0 found%n",
                secrets.size(), seen.size(), files.size(), seen.size() - files.size());
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(url)).build(),
                                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
