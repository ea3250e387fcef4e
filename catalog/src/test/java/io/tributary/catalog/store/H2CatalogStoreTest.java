package io.tributary.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.model.CatalogDatabase;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store (H2 files under a folder) passes the store contract. */
class H2CatalogStoreTest extends CatalogStoreContract {

    private static final int COMMITS = 30;

    @TempDir Path dir;

    @Override
    protected CatalogStore newStore() {
        return CatalogStores.embedded(dir);
    }

    @Override
    protected CatalogStore reopen() {
        return CatalogStores.embedded(dir);
    }

    /**
     * A process that commits and is then killed (no close, no shutdown hook) loses none of its
     * commits: an Iceberg commit, a schema version or a run it reported done is in the store.
     */
    @Test
    void commitsOfAProcessKilledRightAfterwardsAreKept() throws Exception {
        Path log = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath =
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"));
        Process child =
                new ProcessBuilder(
                                java,
                                "-cp",
                                classpath,
                                CommitThenDie.class.getName(),
                                dir.resolve("store").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("the child ended").isTrue();
        String out = Files.readString(log);
        assertThat(child.exitValue()).as(out).isEqualTo(9);
        assertThat(out).contains("committed " + COMMITS);

        CatalogStore store = CatalogStores.embedded(dir.resolve("store"));
        try {
            List<String> names =
                    store.databases().stream().map(CatalogDatabase::name).sorted().toList();
            assertThat(names).hasSize(COMMITS).contains("db_1", "db_" + COMMITS);
        } finally {
            store.close();
        }
    }

    /** Commits {@link #COMMITS} databases one by one, says so, and halts the JVM at once. */
    static final class CommitThenDie {
        public static void main(String[] args) {
            CatalogStore store = CatalogStores.embedded(Path.of(args[0]));
            for (int i = 1; i <= COMMITS; i++) {
                store.createDatabase(CatalogDatabase.named("db_" + i), false);
            }
            System.out.println("committed " + COMMITS);
            System.out.flush();
            Runtime.getRuntime().halt(9); // as kill -9: nothing closed, nothing flushed
        }
    }
}
