package io.tributary.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The seams between Tributary's parts, checked over every main source file's references (imports
 * and fully-qualified names): connectors do not reach into each other, the job jar's module never
 * reaches the CLI or the embedded services, and nothing below the catalog uses Flink's planner.
 */
class ArchitectureTest {

    private static final Path ROOT = root();

    private static final Set<String> CONNECTORS = Set.of("s3", "cdc", "kafka", "redshift", "lake");

    /** Packages every connector may use: the shared model, the types and the YAML seam. */
    private static final Set<String> SHARED = Set.of("changes", "types", "yaml", "storage");

    private static final Pattern PACKAGE =
            Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern REFERENCE =
            Pattern.compile(
                    "\\b((?:io\\.tributary|org\\.apache\\.flink)(?:\\.[a-z_][\\w]*)+)\\.[A-Z]");

    @Test
    void aConnectorNeverUsesAnotherConnectorsPackage() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path f : sources("connectors")) {
            String own = connectorOf(packageOf(f));
            if (own == null) {
                continue;
            }
            for (String ref : references(f)) {
                String other = connectorOf(ref);
                if (other != null && !other.equals(own)) {
                    violations.add(name(f) + " uses " + ref);
                }
            }
        }
        assertThat(violations).as("connector packages importing each other").isEmpty();
    }

    @Test
    void theJobModuleNeverUsesTheCliOrTheEmbeddedServices() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path f : sources("flink-jobs")) {
            for (String ref : references(f)) {
                if (ref.startsWith("io.tributary.jobs.cli")
                        || ref.startsWith("io.tributary.jobs.runs")
                        || ref.startsWith("io.tributary.jobs.demo")
                        || ref.startsWith("io.tributary.embedded")) {
                    violations.add(name(f) + " uses " + ref);
                }
            }
        }
        assertThat(violations).as("the job jar's module reaching the tool").isEmpty();
    }

    @Test
    void nothingBelowTheCatalogUsesFlinksPlannerAndTheCatalogNeedsNoFlink() throws IOException {
        List<String> violations = new ArrayList<>();
        for (String module : List.of("embedded", "catalog", "connectors")) {
            for (Path f : sources(module)) {
                for (String ref : references(f)) {
                    if (ref.startsWith("org.apache.flink.table.planner")) {
                        violations.add(name(f) + " uses " + ref);
                    }
                    if (module.equals("catalog") && ref.startsWith("org.apache.flink")) {
                        violations.add(name(f) + " (catalog) uses " + ref);
                    }
                    boolean connectorsFromBelow =
                            !module.equals("connectors")
                                    && ref.startsWith("io.tributary.connectors");
                    if (connectorsFromBelow || ref.startsWith("io.tributary.jobs")) {
                        violations.add(name(f) + " (below the jobs) uses " + ref);
                    }
                }
            }
        }
        assertThat(violations).as("layers used from below").isEmpty();
    }

    @Test
    void theChecksSeeWhatTheyCheck() throws IOException {
        // the rules above would pass on an empty tree: make sure they read the real one
        assertThat(sources("connectors")).hasSizeGreaterThan(50);
        assertThat(sources("flink-jobs")).hasSizeGreaterThan(10);
        assertThat(
                        references(
                                ROOT.resolve(
                                        "connectors/src/main/java/io/tributary/connectors/catalog/TableOptions.java")))
                .contains("io.tributary.connectors.cdc", "io.tributary.connectors.s3");
        assertThat(connectorOf("io.tributary.connectors.redshift.internal")).isEqualTo("redshift");
        assertThat(connectorOf("io.tributary.connectors.changes")).isNull();
    }

    /** The connector a package belongs to; null for shared or non-connector packages. */
    private static String connectorOf(String pkg) {
        String prefix = "io.tributary.connectors.";
        if (!pkg.startsWith(prefix)) {
            return null;
        }
        String first = pkg.substring(prefix.length()).split("\\.")[0];
        return CONNECTORS.contains(first) && !SHARED.contains(first) ? first : null;
    }

    private static List<String> references(Path f) throws IOException {
        String text = Files.readString(f);
        List<String> refs = new ArrayList<>();
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            refs.add(m.group(1));
        }
        return refs;
    }

    private static String packageOf(Path f) throws IOException {
        Matcher m = PACKAGE.matcher(Files.readString(f));
        return m.find() ? m.group(1) : "";
    }

    private static List<Path> sources(String module) throws IOException {
        Path dir = ROOT.resolve(module).resolve("src/main/java");
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static String name(Path f) {
        return ROOT.relativize(f).toString();
    }

    private static Path root() {
        Path p = Paths.get("").toAbsolutePath();
        while (!Files.isRegularFile(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        return p;
    }
}
