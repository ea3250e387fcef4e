package io.tributary.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.catalog.store.CatalogStore;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.catalog.store.JobRun;
import io.tributary.embedded.SharedServices;
import io.tributary.embedded.StandaloneFlinkCluster;
import io.tributary.jobs.runs.FlinkRest;
import io.tributary.jobs.runs.PipelineRunner;
import io.tributary.jobs.runs.ReferenceFixture;
import io.tributary.jobs.runs.StopWithSavepoint;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference pipeline (examples/ecommerce, as shipped but for {@code --var parallelism}) on a
 * standalone session cluster of two TaskManagers, each its own JVM with one slot, rescaled on every
 * resume: run at parallelism 1, stop with a savepoint, resume at 2 (one subtask of every operator
 * in each TaskManager), stop, resume at 1, stop, resume at 2. Sales files and customer changes
 * arrive while each run is up and while none is. After every run the warehouse and the lake equal
 * the join computed here, every order once, and the sink's bookmark table (kept per writer subtask)
 * shows subtask 1 committing in the runs at 2 only.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StandaloneRescaleITCase {

    @TempDir Path work;

    @Test
    void referencePipelineRescalesOnResumeFromOneToTwoSubtasksAndBack() throws Exception {
        Path jobJar = StandaloneFlinkCluster.jobJar();
        List<URI> jars = List.of(jobJar.toUri());
        ReferenceFixture world =
                new ReferenceFixture("rescale_shop", "rescale_warehouse", "rescale-sales", 120);
        world.prepare();
        world.writeSales(0);
        world.writeSales(1);
        Path home = work.resolve("home");
        PrintWriter out = new PrintWriter(System.out, true);
        try (CatalogStore store = CatalogStores.embedded(home.resolve("catalog"));
                StandaloneFlinkCluster cluster =
                        StandaloneFlinkCluster.start(work.resolve("cluster"), 2, 1)) {
            String savepoint = null;
            int file = 2;
            int[] parallelisms = {1, 2, 1};
            for (int run = 0; run < parallelisms.length; run++) {
                int p = parallelisms[run];
                PipelineRunner runner =
                        new PipelineRunner(
                                world.pipeline(Map.of("parallelism", Integer.toString(p))),
                                home,
                                store,
                                out);
                PipelineRunner.Submitted s = runner.submit(cluster.restAddress(), savepoint, jars);
                // what arrived while no job ran, then what arrives while this one runs
                world.awaitWarehouseEqualsReference(() -> diagnostics(s, cluster));
                assertRunsAt(s, p);
                world.rename(3 + run, "Renamed In Run " + run, "R" + run);
                world.writeSales(file++);
                world.awaitWarehouseEqualsReference(() -> diagnostics(s, cluster));
                world.awaitLakeEqualsReference(home, () -> diagnostics(s, cluster));

                savepoint = StopWithSavepoint.stop(s.rest(), s.run(), store, runner.home());
                assertThat(savepoint).contains("savepoint");
                // while no job runs
                world.rename(20 + run, "Renamed While Stopped " + run, "S" + run);
                world.writeSales(file++);
            }
            // the last changes, by a run back at parallelism 2
            PipelineRunner runner =
                    new PipelineRunner(
                            world.pipeline(Map.of("parallelism", "2")), home, store, out);
            PipelineRunner.Submitted last = runner.submit(cluster.restAddress(), savepoint, jars);
            world.awaitWarehouseEqualsReference(() -> diagnostics(last, cluster));
            world.awaitLakeEqualsReference(home, () -> diagnostics(last, cluster));
            assertRunsAt(last, 2);

            // every run committed through its own bookmarks: subtask 1 only in runs at 2
            Map<String, Set<Integer>> subtasksByJob = bookmarks();
            List<JobRun> runs = new ArrayList<>(store.runs());
            java.util.Collections.reverse(runs); // oldest first
            assertThat(runs).hasSize(4);
            List<Set<Integer>> perRun = new ArrayList<>();
            for (JobRun r : runs) {
                perRun.add(subtasksByJob.getOrDefault(r.flinkJobId(), Set.of()));
            }
            assertThat(perRun)
                    .as("writer subtasks that committed, per run (%s)", subtasksByJob)
                    .containsExactly(Set.of(0), Set.of(0, 1), Set.of(0), Set.of(0, 1));
            for (int i = 1; i < runs.size(); i++) {
                assertThat(runs.get(i).resumedFrom()).contains("savepoint");
            }
        }
    }

    /**
     * The job's sources of sales and customers, its join and its sinks' writers at {@code p}
     * subtasks (the lake's one committer and its maintenance stay single), and {@code p}
     * TaskManagers running them.
     */
    private static void assertRunsAt(PipelineRunner.Submitted s, int p) throws Exception {
        FlinkRest rest = s.rest();
        String job = "/jobs/" + s.run().flinkJobId();
        Map<String, Integer> parallelism = new TreeMap<>();
        Set<String> hosts = new HashSet<>();
        for (JsonNode v : rest.get(job).path("vertices")) {
            parallelism.put(v.path("name").asText(), v.path("parallelism").asInt());
            String tms = job + "/vertices/" + v.path("id").asText() + "/taskmanagers";
            for (JsonNode tm : rest.get(tms).path("taskmanagers")) {
                hosts.add(tm.path("taskmanager-id").asText());
            }
        }
        for (String part :
                List.of(
                        "Source: sales",
                        "Source: customers",
                        "dimension join",
                        "sink_warehouse",
                        "a dimension's changes as rewritten rows",
                        "IcebergStreamWriter")) {
            List<Integer> named =
                    parallelism.entrySet().stream()
                            .filter(e -> e.getKey().contains(part))
                            .map(Map.Entry::getValue)
                            .toList();
            assertThat(named)
                    .as("parallelism of the vertices naming %s in %s", part, parallelism)
                    .isNotEmpty()
                    .containsOnly(p);
        }
        assertThat(hosts).as("TaskManagers running %s", parallelism).hasSize(p);
    }

    /** The sink's bookmark rows: job id to the writer subtasks that committed under it. */
    private static Map<String, Set<Integer>> bookmarks() throws Exception {
        Map<String, Set<Integer>> out = new TreeMap<>();
        try (Connection c = SharedServices.postgres().connect("rescale_warehouse");
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT job_id, subtask FROM analytics.tributary_sink_bookmarks")) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getInt(2));
            }
        }
        return out;
    }

    private static String diagnostics(PipelineRunner.Submitted s, StandaloneFlinkCluster cluster) {
        return ReferenceFixture.jobDiagnostics(s) + "\n" + cluster.logs();
    }
}
