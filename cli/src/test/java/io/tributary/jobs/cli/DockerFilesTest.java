package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * What can be checked of docker/ without a Docker engine: the files parse, the image is the Flink
 * version of the build on Java 17, every file the Dockerfile copies is one the build makes (the job
 * jar by the name Maven gives it) or one in the repository, the compose file mounts files that
 * exist and pins its images, and the Kubernetes manifest runs the image's jar and pipeline with S3
 * checkpoints, Kubernetes HA and the autoscaler.
 */
class DockerFilesTest {

    private static final Path DOCKER = DashboardFiles.docker();
    private static final Path ROOT = DOCKER.getParent();

    @Test
    void dockerfileIsTheBuildsFlinkOnJava17AndCopiesWhatTheBuildMakes() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        String flinkVersion = pomProperty(ROOT.resolve("pom.xml"), "flink.version");
        String version = projectVersion();
        Map<String, String> args = new java.util.HashMap<>();
        Matcher arg = Pattern.compile("(?m)^ARG (\\w+)=(\\S+)$").matcher(dockerfile);
        while (arg.find()) {
            args.put(arg.group(1), arg.group(2));
        }
        assertThat(args.get("FLINK_IMAGE"))
                .isEqualTo("flink:" + flinkVersion + "-scala_2.12-java17");
        assertThat(args.get("TRIBUTARY_VERSION")).isEqualTo(version);

        List<String> sources = new ArrayList<>();
        Matcher copy = Pattern.compile("(?m)^COPY (\\S+) (\\S+)$").matcher(dockerfile);
        while (copy.find()) {
            sources.add(copy.group(1).replace("${TRIBUTARY_VERSION}", version));
        }
        assertThat(sources)
                .contains("flink-jobs/target/tributary-flink-jobs-" + version + "-job.jar");
        for (String source : sources) {
            if (source.startsWith("flink-jobs/target/")) {
                // what the shade plugin of flink-jobs/pom.xml makes: <artifactId>-<version>-job.jar
                String pom = Files.readString(ROOT.resolve("flink-jobs/pom.xml"));
                assertThat(pom).contains("<shadedClassifierName>job</shadedClassifierName>");
                assertThat(source)
                        .isEqualTo(
                                "flink-jobs/target/"
                                        + pomArtifactId(pom)
                                        + "-"
                                        + version
                                        + "-job.jar");
            } else {
                assertThat(ROOT.resolve(source)).as(source).exists();
            }
        }
        assertThat(ROOT.resolve("examples/ecommerce/pipeline.yaml")).exists();
    }

    @Test
    void composeParsesMountsFilesThatExistAndPinsItsImages() throws Exception {
        Map<String, Object> compose = yaml(DOCKER.resolve("compose.yaml"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> services =
                (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services)
                .containsKeys(
                        "jobmanager",
                        "taskmanager",
                        "kafka",
                        "mysql",
                        "postgres",
                        "s3",
                        "schema-registry",
                        "prometheus",
                        "grafana");
        String image = "tributary:" + projectVersion();
        for (var e : services.entrySet()) {
            Object img = e.getValue().get("image");
            assertThat(img).as(e.getKey() + " image").isNotNull();
            assertThat(img.toString()).as(e.getKey()).contains(":").doesNotEndWith(":latest");
            if (img.toString().startsWith("tributary:")) {
                assertThat(img).isEqualTo(image);
            }
            Object volumes = e.getValue().get("volumes");
            if (volumes instanceof List<?> list) {
                for (Object v : list) {
                    String host = v.toString().split(":")[0];
                    if (host.startsWith(".")) {
                        assertThat(DOCKER.resolve(host).normalize()).as(v.toString()).exists();
                    }
                }
            }
            Object ports = e.getValue().get("ports");
            if (ports instanceof List<?> list) {
                assertThat(list)
                        .as(e.getKey() + " publishes on loopback only")
                        .allSatisfy(p -> assertThat(p.toString()).startsWith("127.0.0.1:"));
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> env =
                (Map<String, Object>) services.get("jobmanager").get("environment");
        String flinkProperties = env.get("FLINK_PROPERTIES").toString();
        assertThat(flinkProperties)
                .contains(
                        "metrics.reporter.prom.factory.class:"
                                + " org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .contains("metrics.reporter.prom.port: 9249");
        // the registry's main class is in the job jar the image copies
        assertThat(services.get("schema-registry").get("entrypoint").toString())
                .contains("io.tributary.catalog.registry.RegistryHttpServer")
                .contains("/opt/flink/usrlib/tributary-job.jar");
        assertThat(
                        io.tributary.catalog.registry.RegistryHttpServer.class.getMethod(
                                "main", String[].class))
                .isNotNull();

        // Prometheus scrapes the reporter's port on the compose services
        Map<String, Object> prometheus = yaml(DOCKER.resolve("prometheus/prometheus.yml"));
        String targets = prometheus.get("scrape_configs").toString();
        assertThat(targets).contains("jobmanager:9249", "taskmanager:9249");
        // Grafana's provisioned data source is the one the dashboard names
        Map<String, Object> datasources =
                yaml(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yaml"));
        assertThat(datasources.toString()).contains("uid=tributary-prometheus");
        JsonNode dashboard = DashboardFiles.dashboard();
        assertThat(dashboard.path("panels")).isNotEmpty();
        for (JsonNode panel : dashboard.path("panels")) {
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("datasource").path("uid").asText())
                        .isEqualTo("tributary-prometheus");
                assertThat(panel.path("targets")).isNotEmpty();
            }
        }
    }

    @Test
    void flinkDeploymentRunsTheImagesJarWithS3CheckpointsHaAndTheAutoscaler() throws Exception {
        Map<String, Object> d = yaml(DOCKER.resolve("k8s/flinkdeployment.yaml"));
        assertThat(d.get("apiVersion")).isEqualTo("flink.apache.org/v1beta1");
        assertThat(d.get("kind")).isEqualTo("FlinkDeployment");
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) d.get("spec");
        String flinkVersion = pomProperty(ROOT.resolve("pom.xml"), "flink.version");
        assertThat(spec.get("flinkVersion"))
                .isEqualTo(
                        "v"
                                + flinkVersion
                                        .substring(0, flinkVersion.lastIndexOf('.'))
                                        .replace('.', '_'));
        assertThat(spec.get("image")).isEqualTo("tributary:" + projectVersion());
        @SuppressWarnings("unchecked")
        Map<String, String> conf = (Map<String, String>) spec.get("flinkConfiguration");
        assertThat(conf.get("state.checkpoints.dir")).startsWith("s3://");
        assertThat(conf.get("state.savepoints.dir")).startsWith("s3://");
        assertThat(conf.get("high-availability.type")).isEqualTo("kubernetes");
        assertThat(conf.get("high-availability.storageDir")).startsWith("s3://");
        assertThat(conf.get("job.autoscaler.enabled")).isEqualTo("true");
        assertThat(conf.get("metrics.reporter.prom.port")).isEqualTo("9249");
        @SuppressWarnings("unchecked")
        Map<String, Object> job = (Map<String, Object>) spec.get("job");
        // the jar where the Dockerfile puts it, the entry class that is in it, a shipped pipeline
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        String jar = job.get("jarURI").toString();
        assertThat(jar).startsWith("local://");
        assertThat(dockerfile).contains(" " + jar.substring("local://".length()) + "\n");
        assertThat(
                        Class.forName(job.get("entryClass").toString())
                                .getMethod("main", String[].class))
                .isNotNull();
        @SuppressWarnings("unchecked")
        List<String> args = (List<String>) job.get("args");
        String pipeline = args.get(args.indexOf("--pipeline") + 1);
        assertThat(pipeline).startsWith("/opt/tributary/examples/");
        assertThat(dockerfile).contains("COPY examples/ /opt/tributary/examples/");
        assertThat(ROOT.resolve(pipeline.substring("/opt/tributary/".length()))).exists();
        assertThat(String.join(" ", args))
                .as("no credentials on the command line")
                .doesNotContainIgnoringCase("password")
                .doesNotContainIgnoringCase("secret");
        assertThat(job.get("upgradeMode")).isEqualTo("savepoint");
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return new Yaml(new LoaderOptions()).load(Files.readString(file));
    }

    private static String projectVersion() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher m =
                Pattern.compile(
                                "<artifactId>tributary-parent</artifactId>\\s*<version>([^<]+)</version>")
                        .matcher(pom);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String pomArtifactId(String pom) {
        // the module's own artifactId: the first one after </parent>
        Matcher m = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>").matcher(pom);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String pomProperty(Path pom, String name) throws IOException {
        Matcher m =
                Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</")
                        .matcher(Files.readString(pom));
        assertThat(m.find()).as(name).isTrue();
        return m.group(1);
    }
}
