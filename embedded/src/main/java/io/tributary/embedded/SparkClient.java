package io.tributary.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How Apache Spark is started against the lake, as a user runs it: the {@code spark-client}
 * module's {@code SparkQueries} in a JVM of its own (so Spark's classpath never meets Flink's),
 * with Iceberg's REST catalog at a URI, the JVM options Spark needs on Java 17, and the AWS SDK's
 * checksums only where S3 requires them (what the embedded S3 server takes).
 */
public final class SparkClient {

    private SparkClient() {}

    /** The module's built classpath file under {@code root}; absent until it is built. */
    public static Path classpath(Path root) {
        return root.resolve("spark-client").resolve("target/classpath.txt");
    }

    /** The command that runs {@code args} ({@code [--repeat N] sql...}) against {@code uri}. */
    public static List<String> command(Path root, String uri, List<String> args)
            throws IOException {
        Path module = root.resolve("spark-client");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        for (String p :
                List.of(
                        "java.lang",
                        "java.lang.invoke",
                        "java.lang.reflect",
                        "java.io",
                        "java.net",
                        "java.nio",
                        "java.util",
                        "java.util.concurrent",
                        "java.util.concurrent.atomic",
                        "sun.nio.ch",
                        "sun.nio.cs",
                        "sun.security.action",
                        "sun.util.calendar")) {
            cmd.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
        }
        // S3Proxy takes the AWS SDK's checksums only where S3 requires them (docs/lakehouse.md)
        cmd.add("-Daws.requestChecksumCalculation=when_required");
        cmd.add("-Daws.responseChecksumValidation=when_required");
        cmd.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
        cmd.add("-cp");
        cmd.add(module.resolve("target/classes") + ":" + Files.readString(classpath(root)).trim());
        cmd.add("io.tributary.sparkclient.SparkQueries");
        cmd.add(uri);
        cmd.addAll(args);
        return cmd;
    }
}
