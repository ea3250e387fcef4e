package io.tributary.embedded;

import io.tributary.embedded.internal.Ports;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A real Flink standalone session cluster: a JobManager and one or more TaskManagers, each its own
 * JVM, started from Flink's jars in the local Maven repository (the test's classpath without
 * Tributary, its connectors and their clients: those reach the cluster only inside the job jar),
 * bound to 127.0.0.1 on free ports. {@link #kill()} ends all of them with SIGKILL, as a lost host
 * would. The end-to-end tests run pipelines on it, and {@code bench/run.sh scale} measures them at
 * parallelism 1 and 2.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {

    /** What the job jar carries: kept off the cluster's classpath so the test proves it does. */
    private static final List<String> JOB_JAR_ONLY =
            List.of(
                    "/io/tributary/",
                    "/target/classes",
                    "/target/test-classes",
                    "/software/amazon/",
                    "/io/netty/",
                    "/org/apache/flink/flink-sql-connector-",
                    "/org/apache/flink/flink-connector-kafka/",
                    "/org/apache/kafka/",
                    "/org/postgresql/",
                    "/com/amazon/redshift/",
                    "/com/mysql/",
                    "/com/h2database/",
                    "/org/yaml/snakeyaml/",
                    "/com/fasterxml/jackson/",
                    "/org/apache/avro/",
                    "/org/apache/parquet/",
                    "/org/apache/hadoop/");

    private final Path dir;
    private final int restPort;
    private final Process jobManager;
    private final List<Process> taskManagers;

    private StandaloneFlinkCluster(Path dir, int restPort, Process jm, List<Process> tms) {
        this.dir = dir;
        this.restPort = restPort;
        this.jobManager = jm;
        this.taskManagers = tms;
    }

    /** A JobManager and one TaskManager of two slots. */
    public static StandaloneFlinkCluster start(Path dir) throws Exception {
        return start(dir, 1, 2);
    }

    /** {@link #start(Path, int, int, int)} with 512 MB of task heap per TaskManager. */
    public static StandaloneFlinkCluster start(Path dir, int taskManagers, int slots)
            throws Exception {
        return start(dir, taskManagers, slots, 512);
    }

    /**
     * A JobManager and {@code taskManagers} TaskManagers of {@code slots} slots each, every one its
     * own JVM: a job at parallelism {@code taskManagers} with one slot each runs one subtask of
     * every operator in every TaskManager. {@code taskHeapMb} is each TaskManager's task heap (its
     * JVM's -Xmx is that plus 128 MB of framework heap).
     */
    public static StandaloneFlinkCluster start(
            Path dir, int taskManagers, int slots, int taskHeapMb) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(dir, taskManagers, slots, taskHeapMb);
            } catch (PortTaken e) {
                // a port found free was taken before the JVM bound it (another process, or a
                // socket of a cluster killed just before lingering): new ports, once more
                if (attempt == 3) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
        }
    }

    /** The cluster died at start because a port it was given was in use by then. */
    private static final class PortTaken extends Exception {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }

    private static StandaloneFlinkCluster startOnce(
            Path dir, int taskManagers, int slots, int taskHeapMb) throws Exception {
        Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("log"));
        try (var old = Files.list(dir.resolve("log"))) {
            // a failed attempt's logs (log4j appends): each attempt's are its own
            for (Path f : (Iterable<Path>) old::iterator) {
                Files.deleteIfExists(f);
            }
        }
        int rest = freePort();
        List<String> conf =
                List.of(
                        "jobmanager.rpc.address: 127.0.0.1",
                        "jobmanager.rpc.port: " + freePort(),
                        "jobmanager.bind-host: 127.0.0.1",
                        "rest.address: 127.0.0.1",
                        "rest.bind-address: 127.0.0.1",
                        "rest.port: " + rest,
                        "blob.server.port: " + freePort(),
                        "taskmanager.host: 127.0.0.1",
                        "taskmanager.bind-host: 127.0.0.1",
                        "taskmanager.numberOfTaskSlots: " + slots,
                        "jobmanager.memory.process.size: 800m",
                        // what bin/taskmanager.sh computes and passes; a TaskManagerRunner started
                        // directly needs every part spelled out
                        "taskmanager.cpu.cores: 2",
                        "taskmanager.memory.framework.heap.size: 128m",
                        "taskmanager.memory.task.heap.size: " + taskHeapMb + "m",
                        "taskmanager.memory.managed.size: 64m",
                        "taskmanager.memory.network.min: 64m",
                        "taskmanager.memory.network.max: 64m",
                        "taskmanager.memory.framework.off-heap.size: 128m",
                        "taskmanager.memory.task.off-heap.size: 0m",
                        "taskmanager.memory.jvm-metaspace.size: 256m",
                        "taskmanager.memory.jvm-overhead.min: 192m",
                        "taskmanager.memory.jvm-overhead.max: 192m",
                        "heartbeat.timeout: 20000",
                        // the REST API's metrics at most a second old, as the MiniCluster's
                        // (FlinkService): what the bench reads a job's progress from
                        "metrics.fetcher.update-interval: 1 s",
                        "parallelism.default: 1");
        Files.write(dir.resolve("conf/flink-conf.yaml"), conf, StandardCharsets.UTF_8);
        Files.writeString(
                dir.resolve("conf/log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = file",
                        "appender.file.type = File",
                        "appender.file.name = file",
                        "appender.file.fileName = ${sys:log.file}",
                        "appender.file.layout.type = PatternLayout",
                        "appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
                        ""));
        Process jm =
                launch(
                        dir,
                        "jobmanager",
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                        512);
        List<Process> tms = new ArrayList<>();
        for (int i = 0; i < taskManagers; i++) {
            tms.add(
                    launch(
                            dir,
                            i == 0 ? "taskmanager" : "taskmanager-" + i,
                            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                            taskHeapMb + 128));
        }
        StandaloneFlinkCluster cluster =
                new StandaloneFlinkCluster(dir, rest, jm, List.copyOf(tms));
        // the JVMs die with the test JVM, whatever way it ends
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    jm.destroyForcibly();
                                    tms.forEach(Process::destroyForcibly);
                                }));
        try {
            cluster.awaitTaskManagers(taskManagers);
        } catch (Exception | Error e) {
            cluster.kill();
            if (cluster.portTaken()) {
                throw new PortTaken(e.getMessage());
            }
            throw e;
        }
        return cluster;
    }

    /**
     * The packaged job jar (flink-jobs) that jobs are submitted with: system property {@code
     * tributary.job.jar}, else flink-jobs/target under {@code tributary.root}.
     */
    public static Path jobJar() {
        String given = System.getProperty("tributary.job.jar");
        Path jar = given == null ? null : Path.of(given);
        if (jar == null) {
            Path target =
                    Path.of(System.getProperty("tributary.root", ".")).resolve("flink-jobs/target");
            try (var files = Files.list(target)) {
                jar =
                        files.filter(
                                        f -> {
                                            String n = f.getFileName().toString();
                                            return n.startsWith("tributary-flink-jobs-")
                                                    && n.endsWith("-job.jar");
                                        })
                                .findFirst()
                                .orElse(target.resolve("tributary-flink-jobs-<version>-job.jar"));
            } catch (IOException e) {
                jar = target.resolve("tributary-flink-jobs-<version>-job.jar");
            }
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: the job jar is built by `mvn package` of flink-jobs");
        }
        return jar;
    }

    /**
     * The java of this JVM with Flink's opens (system property {@code tributary.flink.opens}, else
     * this JVM's own {@code --add-opens}), for the cluster's and a client's processes.
     */
    public static List<String> java() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opens = System.getProperty("tributary.flink.opens");
        if (opens != null && !opens.isBlank()) {
            cmd.addAll(Arrays.asList(opens.trim().split("\\s+")));
        } else if (opens == null) {
            for (String a :
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                // the launcher reports "--add-opens X" as "--add-opens=X" too (one token)
                if (a.startsWith("--add-opens=")) {
                    cmd.add(a);
                }
            }
        }
        return cmd;
    }

    private static Process launch(Path dir, String role, String mainClass, int heapMb)
            throws IOException {
        String classpath = flinkClasspath();
        List<String> cmd = java();
        cmd.add("-Xmx" + heapMb + "m");
        cmd.add("-Dlog.file=" + dir.resolve("log/" + role + ".log"));
        cmd.add("-Dlog4j.configurationFile=" + dir.resolve("conf/log4j.properties").toUri());
        cmd.add("-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp-" + role)));
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(dir.resolve("conf").toString());
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log/" + role + ".out").toFile())
                .start();
    }

    /**
     * The classpath of Flink's processes here: the test's, without Tributary, its connectors and
     * their clients (those reach the cluster only inside the job jar).
     */
    public static String flinkClasspath() {
        return Arrays.stream(
                        // surefire runs tests through a manifest-only jar
                        System.getProperty(
                                        "surefire.test.class.path",
                                        System.getProperty("java.class.path"))
                                .split(File.pathSeparator))
                .filter(e -> JOB_JAR_ONLY.stream().noneMatch(e::contains))
                // the reactor's own module jars (flink-jobs/target/tributary-*.jar, cli/target/...)
                .filter(e -> !Path.of(e).getFileName().toString().startsWith("tributary-"))
                .reduce((a, b) -> a + File.pathSeparator + b)
                .orElseThrow();
    }

    /** The cluster's configuration folder (flink-conf.yaml), as FLINK_CONF_DIR for a client. */
    public Path confDir() {
        return dir.resolve("conf");
    }

    private void awaitTaskManagers(int count) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive() || !taskManagers.stream().allMatch(Process::isAlive)) {
                throw new IllegalStateException("the cluster died while starting:\n" + logs());
            }
            try {
                String body =
                        http.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                "http://127.0.0.1:"
                                                                        + restPort
                                                                        + "/taskmanagers"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body();
                if (body.split("\"slotsNumber\"", -1).length - 1 >= count) {
                    return;
                }
            } catch (IOException notYet) {
                // the REST endpoint is not up yet
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException(
                count + " TaskManager(s) not registered within 2 minutes:\n" + logs());
    }

    public String restAddress() {
        return "127.0.0.1:" + restPort;
    }

    /** Whether a process of the cluster failed to bind a port ("Address already in use"). */
    private boolean portTaken() {
        try (var files = Files.list(dir.resolve("log"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.readString(f).contains("Address already in use")) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** The last lines of both logs, for a failure message. */
    public String logs() {
        StringBuilder sb = new StringBuilder();
        List<String> files = new ArrayList<>(List.of("jobmanager.log", "jobmanager.out"));
        for (int i = 0; i < taskManagers.size(); i++) {
            String role = i == 0 ? "taskmanager" : "taskmanager-" + i;
            files.add(role + ".log");
            files.add(role + ".out");
        }
        for (String f : files) {
            Path p = dir.resolve("log").resolve(f);
            try {
                List<String> lines = Files.exists(p) ? Files.readAllLines(p) : List.of();
                sb.append("== ").append(f).append('\n');
                lines.subList(Math.max(0, lines.size() - 40), lines.size())
                        .forEach(l -> sb.append(l).append('\n'));
            } catch (IOException e) {
                sb.append("(unreadable: ").append(e).append(")\n");
            }
        }
        return sb.toString();
    }

    /** SIGKILL to every JVM: no savepoint, no clean cancel, as when the machine dies. */
    public void kill() throws InterruptedException {
        taskManagers.forEach(Process::destroyForcibly);
        jobManager.destroyForcibly();
        for (Process tm : taskManagers) {
            tm.waitFor();
        }
        jobManager.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private static int freePort() {
        return Ports.freePort();
    }
}
