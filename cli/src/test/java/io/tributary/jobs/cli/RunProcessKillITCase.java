package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.jobs.runs.ReferenceFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tributary run} of the reference pipeline in a JVM of its own (its own Flink MiniCluster),
 * killed with SIGKILL mid-stream: nothing is stopped, flushed or saved. Customers and sales change
 * while nothing runs; {@code tributary run --resume} in a new JVM starts from the last retained
 * checkpoint and the warehouse ends equal to the join computed here, nothing lost, nothing doubled.
 * Every endpoint and password reaches the CLI through its environment, none on its command line.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunProcessKillITCase {

    private static final String PIPELINE = "ecommerce-sales-enriched";

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path home;

    @Test
    void killMinus9OfTheRunProcessThenResumeLosesAndDoublesNothing() throws Exception {
        ReferenceFixture world =
                new ReferenceFixture("kill_shop", "kill_warehouse", "kill-sales", 300);
        world.prepare();
        for (int f = 0; f < 3; f++) {
            world.writeSales(f);
        }
        Path file = ReferenceFixture.examples().resolve("ecommerce/pipeline.yaml");
        Path log1 = home.resolve("run-1.log");
        Process first =
                run(world, List.of("run", file.toString(), "--home", home.toString()), log1);
        Path checkpoints = home.resolve("jobs").resolve(PIPELINE).resolve("checkpoints");
        try {
            try {
                await().atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(300))
                        .failFast(() -> !first.isAlive())
                        .until(() -> world.warehouse().size() >= 900 && retained(checkpoints));
            } catch (org.awaitility.core.TerminalFailureException e) {
                throw new AssertionError(
                        "tributary run ended (exit code "
                                + first.exitValue()
                                + ") before its first checkpoint:\n"
                                + String.join("\n", JvmLauncher.tail(log1, 40)),
                        e);
            }
            // more work in flight when the process dies
            world.writeSales(3);
            world.rename(4, "Renamed Before Kill", "NZ");
            Thread.sleep(1_500);
        } finally {
            first.destroyForcibly(); // SIGKILL: no savepoint, no shutdown hook
            first.waitFor(30, TimeUnit.SECONDS);
        }
        String beforeKill = String.join("\n", JvmLauncher.tail(log1, 15));

        // while nothing runs
        world.rename(8, "Renamed While Down", "PT");
        world.writeSales(4);

        Path log2 = home.resolve("run-2.log");
        Process second =
                run(
                        world,
                        List.of("run", file.toString(), "--resume", "--home", home.toString()),
                        log2);
        try {
            world.awaitWarehouseEqualsReference(
                    () ->
                            beforeKill
                                    + "\n--- resumed run:\n"
                                    + String.join("\n", JvmLauncher.tail(log2, 30)));
            assertThat(Files.readString(log2)).contains("resumed from");
            world.awaitLakeEqualsReference(
                    home, () -> String.join("\n", JvmLauncher.tail(log2, 30)));
            CliRun stop = CliRun.of("stop", PIPELINE, "--home", home.toString());
            assertThat(stop.exitCode()).as(stop.out() + stop.err()).isZero();
            assertThat(second.waitFor(2, TimeUnit.MINUTES)).isTrue();
        } finally {
            second.destroyForcibly();
        }
        List<String> rows = world.warehouse();
        assertThat(rows).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(rows)).isEqualTo(world.reference());
        List<String> lake = world.lake(home);
        assertThat(lake).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(lake)).isEqualTo(world.reference());
        // the warehouse sink staged its checkpoints as files under the pipeline's bookmark (its
        // default, one write per row in the warehouse), not in staging tables
        assertThat(checkpoints.resolve("tributary-staging"))
                .as("the warehouse's staged files, under the pipeline's checkpoints")
                .isDirectoryContaining(Files::isDirectory);
        System.out.printf(
                "reliability: reference pipeline, kill -9 of the tributary run process + --resume:"
                        + " %d rows compared by key and content in the warehouse and %d in the"
                        + " lake, 0 lost, 0 duplicated%n",
                rows.size(), lake.size());
    }

    private static boolean retained(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(checkpoints, 2)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("chk-"));
        }
    }

    private static Process run(ReferenceFixture world, List<String> args, Path log)
            throws IOException {
        return CliProcess.start(args, world.environment(), log);
    }
}
