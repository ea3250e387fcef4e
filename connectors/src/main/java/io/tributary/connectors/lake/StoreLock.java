package io.tributary.connectors.lake;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock that keeps two maintenance runs of one lake table apart: a row of {@code
 * tributary_maintenance_lock} in the catalog store (H2 or PostgreSQL), so it holds across task
 * managers and across jobs writing the same table.
 *
 * <p>Each call opens its own connection and closes it. Iceberg's maintenance opens its lock
 * factories in two operators and closes one (its lock remover never does): a pooled factory leaves
 * an open connection to the store behind every job attempt, which keeps an embedded store open and
 * piles up connections on a PostgreSQL one. Lock calls come at most once per poll, so a connection
 * each costs nothing that matters.
 *
 * <p>A lock older than {@code staleAfter} is taken over, with a warning: a job killed mid-run and
 * started afresh (not resumed, so Iceberg's recovery never clears its lock) would otherwise never
 * compact that table again. A takeover cannot corrupt the table: a rewrite commits only if the
 * files it replaces are still live, so of two overlapping runs one commits and one is refused.
 */
final class StoreLock implements TriggerLockFactory {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StoreLock.class);

    static final String TABLE = "tributary_maintenance_lock";

    private final String url;
    private final String user;
    private final String password;
    private final String lockId;
    private final long staleAfterMillis;

    StoreLock(String url, String user, String password, String lockId, Duration staleAfter) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.lockId = lockId;
        this.staleAfterMillis = staleAfter.toMillis();
    }

    /** Creates the lock table if the store has none (once, before a job runs). */
    void prepare() {
        try (Connection c = connect();
                Statement st = c.createStatement()) {
            st.execute(
                    "CREATE TABLE IF NOT EXISTS "
                            + TABLE
                            + " (lock_type CHAR(1) NOT NULL, lock_id VARCHAR(200) NOT NULL,"
                            + " holder VARCHAR(64) NOT NULL, acquired_at BIGINT NOT NULL,"
                            + " PRIMARY KEY (lock_type, lock_id))");
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot make the lake's maintenance lock table in the catalog store: "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public void open() {
        // nothing held between calls
    }

    @Override
    public Lock createLock() {
        return new RowLock("l");
    }

    @Override
    public Lock createRecoveryLock() {
        return new RowLock("r");
    }

    @Override
    public void close() {
        // nothing held between calls
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(url, p);
    }

    /** One kind of lock (the run lock or the recovery lock) on this table. */
    private final class RowLock implements Lock {

        private final String type;

        RowLock(String type) {
            this.type = type;
        }

        @Override
        public boolean tryLock() {
            try (Connection c = connect()) {
                if (insert(c)) {
                    return true;
                }
                long acquired = acquiredAt(c);
                long age = System.currentTimeMillis() - acquired;
                if (acquired > 0 && age > staleAfterMillis && deleteIfAcquiredAt(c, acquired)) {
                    LOG.warn(
                            "Maintenance lock {} of {} was held for {} s, longer than any run"
                                    + " should take (its job was likely killed): taking it over",
                            type,
                            lockId,
                            age / 1000);
                    return insert(c);
                }
                return false;
            } catch (SQLException e) {
                // the store unreachable: skip this run rather than fail the writing job
                LOG.warn(
                        "Cannot take the maintenance lock of {}; the run waits for the next"
                                + " trigger: {}",
                        lockId,
                        e.getMessage());
                return false;
            }
        }

        @Override
        public boolean isHeld() {
            try (Connection c = connect()) {
                return acquiredAt(c) > 0;
            } catch (SQLException e) {
                LOG.warn(
                        "Cannot read the maintenance lock of {}; taken as held: {}",
                        lockId,
                        e.getMessage());
                return true;
            }
        }

        @Override
        public void unlock() {
            try (Connection c = connect();
                    PreparedStatement st =
                            c.prepareStatement(
                                    "DELETE FROM "
                                            + TABLE
                                            + " WHERE lock_type = ? AND lock_id = ?")) {
                st.setString(1, type);
                st.setString(2, lockId);
                st.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "Cannot release the maintenance lock of " + lockId + ": " + e.getMessage(),
                        e);
            }
        }

        private boolean insert(Connection c) throws SQLException {
            try (PreparedStatement st =
                    c.prepareStatement(
                            "INSERT INTO "
                                    + TABLE
                                    + " (lock_type, lock_id, holder, acquired_at)"
                                    + " VALUES (?, ?, ?, ?)")) {
                st.setString(1, type);
                st.setString(2, lockId);
                st.setString(3, UUID.randomUUID().toString());
                st.setLong(4, System.currentTimeMillis());
                st.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (String.valueOf(e.getSQLState()).startsWith("23")) {
                    return false; // the row is there: someone holds the lock
                }
                throw e;
            }
        }

        /** When the lock was taken, in epoch millis; 0 when nobody holds it. */
        private long acquiredAt(Connection c) throws SQLException {
            try (PreparedStatement st =
                    c.prepareStatement(
                            "SELECT acquired_at FROM "
                                    + TABLE
                                    + " WHERE lock_type = ? AND lock_id = ?")) {
                st.setString(1, type);
                st.setString(2, lockId);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Math.max(1, rs.getLong(1)) : 0;
                }
            }
        }

        /** Removes the lock taken at {@code acquired}, unless someone took it again since. */
        private boolean deleteIfAcquiredAt(Connection c, long acquired) throws SQLException {
            try (PreparedStatement st =
                    c.prepareStatement(
                            "DELETE FROM "
                                    + TABLE
                                    + " WHERE lock_type = ? AND lock_id = ? AND acquired_at = ?")) {
                st.setString(1, type);
                st.setString(2, lockId);
                st.setLong(3, acquired);
                return st.executeUpdate() == 1;
            }
        }
    }
}
