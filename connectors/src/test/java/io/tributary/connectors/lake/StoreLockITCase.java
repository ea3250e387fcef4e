package io.tributary.connectors.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.store.CatalogStores;
import io.tributary.embedded.SharedServices;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory.Lock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lake maintenance lock on both kinds of catalog store: one holder at a time per table and
 * kind, a killed holder's lock taken over once stale, no connection left open, and a store that
 * cannot be reached skipping a run instead of failing the job.
 */
class StoreLockITCase {

    @TempDir Path home;

    private String url(String store) {
        return store.equals("h2")
                ? CatalogStores.embeddedUrl(home)
                : SharedServices.postgres()
                        .createDatabase("lock_" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static StoreLock lock(String url, String table, Duration staleAfter) {
        StoreLock lock = new StoreLock(url, null, null, "lake-" + table, staleAfter);
        lock.prepare();
        return lock;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void oneHolderAtATimePerTableAndKind(String store) throws Exception {
        String url = url(store);
        int before = sessions(url);
        // two jobs on one table: each builds its own factory
        Lock first = lock(url, "shop.orders", Duration.ofHours(1)).createLock();
        Lock second = lock(url, "shop.orders", Duration.ofHours(1)).createLock();
        Lock recovery = lock(url, "shop.orders", Duration.ofHours(1)).createRecoveryLock();
        Lock otherTable = lock(url, "shop.customers", Duration.ofHours(1)).createLock();

        assertThat(first.isHeld()).isFalse();
        assertThat(first.tryLock()).isTrue();
        assertThat(second.tryLock()).as("held by the first").isFalse();
        assertThat(second.isHeld()).isTrue();
        assertThat(recovery.tryLock()).as("the recovery lock is another lock").isTrue();
        assertThat(otherTable.tryLock()).as("another table's lock").isTrue();

        // Iceberg's lock remover releases the lock its trigger manager took
        second.unlock();
        assertThat(first.isHeld()).isFalse();
        assertThat(second.tryLock()).isTrue();
        assertThat(first.tryLock()).isFalse();
        assertThat(recovery.isHeld()).isTrue();

        // every call closed its connection
        assertThat(sessions(url)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aLockLeftByAKilledJobIsTakenOverOnceStale(String store) throws Exception {
        String url = url(store);
        Lock killed = lock(url, "shop.orders", Duration.ofHours(1)).createLock();
        assertThat(killed.tryLock()).isTrue(); // and never released
        Thread.sleep(50);

        Lock patient = lock(url, "shop.orders", Duration.ofHours(1)).createLock();
        assertThat(patient.tryLock()).as("not stale after an hour's allowance").isFalse();

        Lock restarted = lock(url, "shop.orders", Duration.ofMillis(10)).createLock();
        assertThat(restarted.tryLock()).as("stale after 10 ms").isTrue();
        // taken afresh: not stale for the patient one either
        assertThat(patient.tryLock()).isFalse();
        assertThat(restarted.isHeld()).isTrue();
    }

    @Test
    void aStoreThatCannotBeReachedSkipsTheRunInsteadOfFailingTheJob() {
        StoreLock lock =
                new StoreLock(
                        "jdbc:postgresql://127.0.0.1:1/nowhere",
                        "u",
                        "secret",
                        "lake-shop.orders",
                        Duration.ofHours(1));
        Lock l = lock.createLock();
        assertThat(l.tryLock()).isFalse();
        assertThat(l.isHeld()).as("unknown is taken as held").isTrue();
    }

    /** Open connections to the store at {@code url}, this one's included. */
    private static int sessions(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                url.startsWith("jdbc:h2:")
                                        ? "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS"
                                        : "SELECT COUNT(*) FROM pg_stat_activity"
                                                + " WHERE datname = current_database()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
