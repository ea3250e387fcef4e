package io.tributary.embedded;

import io.tributary.embedded.internal.Ports;
import io.tributary.embedded.internal.Processes;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL with {@code wal_level=logical}: the stand-in for Redshift (the warehouse) and for RDS
 * PostgreSQL (a CDC source). Binaries come from Maven (zonky), so nothing needs installing.
 */
public final class PostgresService implements EmbeddedService {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresService.class);

    /** zonky's initdb creates this superuser with trust authentication on loopback. */
    public static final String USER = "postgres";

    public static final String PASSWORD = "";

    private EmbeddedPostgres postgres;
    private final int port;
    private final Path dataDir;

    private PostgresService(EmbeddedPostgres postgres, int port, Path dataDir) {
        this.postgres = postgres;
        this.port = port;
        this.dataDir = dataDir;
    }

    /**
     * Starts PostgreSQL with its data in {@code dataDir} (kept across restarts) on {@code port}, or
     * on a free port when {@code port} is 0.
     */
    public static PostgresService start(Path dataDir, int port) {
        int actualPort = port > 0 ? port : Ports.freePort();
        try {
            Files.createDirectories(dataDir);
            Processes.stopStale(dataDir.resolve("postmaster.pid"), "postgres");
            LOG.info("Starting PostgreSQL on 127.0.0.1:{} with data in {}", actualPort, dataDir);
            EmbeddedPostgres pg = launch(dataDir, actualPort);
            return new PostgresService(pg, actualPort, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "PostgreSQL did not start on 127.0.0.1:"
                            + actualPort
                            + " (data in "
                            + dataDir
                            + "); see the log above for initdb/pg_ctl output",
                    e);
        }
    }

    private static EmbeddedPostgres launch(Path dataDir, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(true)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", Ports.LOOPBACK)
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "20")
                .setServerConfig("max_wal_senders", "20")
                .setServerConfig("max_connections", "200")
                .setServerConfig("timezone", "UTC")
                .start();
    }

    /**
     * Stops the server and starts it again on the same port with the same data, after {@code
     * downtime}: what a database restart looks like to clients (fault tests).
     */
    public synchronized void restart(java.time.Duration downtime) {
        try {
            postgres.close();
            Thread.sleep(downtime.toMillis());
            postgres = launch(dataDir, port);
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not restart on port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String name() {
        return "postgres";
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The postmaster's pid, from its pid file. */
    public java.util.Optional<Long> pid() {
        return Processes.readPid(dataDir.resolve("postmaster.pid"));
    }

    /** JDBC URL of {@code database} with the user in it, for tools that take a URL alone. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://"
                + Ports.LOOPBACK
                + ":"
                + port
                + "/"
                + database
                + "?user="
                + USER;
    }

    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database));
    }

    /** Creates a database of its own for a test or a demo; returns its JDBC URL. */
    public String createDatabase(String database) {
        Ports.requireSimpleName(database);
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            try (var rs =
                    s.executeQuery(
                            "SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE \"" + database + "\"");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + database, e);
        }
        return jdbcUrl(database);
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
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("PostgreSQL on port {} did not stop cleanly", port, e);
        }
    }
}
