package io.tributary.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.model.CatalogDatabase;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flink cancels a task by interrupting its thread, and a task may be inside a catalog call then
 * (the lake's committer loads and commits tables through the store). An interrupt closes the file
 * channel a thread is reading or writing; on the embedded store that closed the whole database, for
 * every other connection of the process too, and left a lock file that no process could reopen
 * (seen as "Lock file recently modified" in LakeSinkITCase after its injected failure). An
 * interrupted call may fail; the store stays usable for everyone else, and for the caller's next
 * call.
 */
class InterruptedCallerTest {

    @TempDir Path dir;

    @Test
    void anInterruptedCallerLeavesTheEmbeddedStoreOpenForEveryoneElse() throws Exception {
        CatalogStore held = CatalogStores.embedded(dir);
        CatalogStore perCall = CatalogStores.openPerCall(dir.toString(), null, null);
        AtomicInteger done = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean stop =
                new java.util.concurrent.atomic.AtomicBoolean();
        java.util.Set<String> failures = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread writer =
                new Thread(
                        () -> {
                            for (int i = 0; !stop.get(); i++) {
                                try {
                                    String name = "db" + (i % 50);
                                    CatalogStore s = i % 2 == 0 ? perCall : held;
                                    s.createDatabase(
                                            new CatalogDatabase(
                                                    name, "x".repeat(i % 2000), Map.of()),
                                            true);
                                    s.dropDatabase(name, true);
                                    done.incrementAndGet();
                                } catch (RuntimeException e) {
                                    // an interrupted call may fail: the store must not
                                    Thread.interrupted();
                                    if (failures.add(String.valueOf(e.getMessage()))) {
                                        System.out.println("call failed: " + e);
                                    }
                                }
                            }
                        },
                        "interrupted-writer");
        writer.start();
        try {
            for (int i = 0; i < 200 && writer.isAlive(); i++) {
                Thread.sleep(5);
                writer.interrupt();
            }
        } finally {
            stop.set(true);
            writer.join();
            assertThat(done.get()).as("calls that completed between the interrupts").isPositive();
        }

        held.createDatabase(new CatalogDatabase("after", null, Map.of()), false);
        assertThat(held.database("after")).isPresent();
        assertThat(perCall.database("after")).isPresent();
        CatalogStore reopened = CatalogStores.embedded(dir);
        assertThat(reopened.database("after")).isPresent();
        reopened.close();
        perCall.close();
        held.close();
    }
}
