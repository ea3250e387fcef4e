package io.tributary.embedded.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds and stops server processes left behind by a JVM that was killed before it could. */
public final class Processes {

    private static final Logger LOG = LoggerFactory.getLogger(Processes.class);

    private Processes() {}

    /**
     * The pid on the first line of a pid file (postmaster.pid, mariadb's .pid), if there is one.
     */
    public static Optional<Long> readPid(Path pidFile) {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            String first =
                    Files.readAllLines(pidFile, StandardCharsets.UTF_8).stream()
                            .findFirst()
                            .orElse("")
                            .trim();
            return first.matches("\\d+") ? Optional.of(Long.parseLong(first)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops a process recorded in a pid file if it is still alive and its command line mentions
     * {@code marker} (so an unrelated process that reused the pid is never touched).
     */
    public static void stopStale(Path pidFile, String marker) {
        readPid(pidFile)
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .ifPresent(
                        p -> {
                            LOG.warn(
                                    "Stopping process {} left running from an earlier run ({})",
                                    p.pid(),
                                    pidFile);
                            terminate(p, Duration.ofSeconds(15));
                        });
    }

    /** SIGTERM, then SIGKILL if the process is still alive after {@code grace}. */
    public static void terminate(ProcessHandle process, Duration grace) {
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }
}
