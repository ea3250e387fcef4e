package io.tributary.embedded;

import io.tributary.embedded.internal.Ports;
import io.tributary.embedded.internal.Processes;
import io.tributary.embedded.internal.SelfSignedCertificate;
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
import java.util.Objects;
import java.util.Optional;
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
    private final SelfSignedCertificate tls;

    private PostgresService(
            EmbeddedPostgres postgres, int port, Path dataDir, SelfSignedCertificate tls) {
        this.postgres = postgres;
        this.port = port;
        this.dataDir = dataDir;
        this.tls = tls;
    }

    /**
     * Starts PostgreSQL with its data in {@code dataDir} (kept across restarts) on {@code port}, or
     * on a free port when {@code port} is 0.
     */
    public static PostgresService start(Path dataDir, int port) {
        return start(dataDir, port, null);
    }

    /**
     * Starts PostgreSQL that accepts TLS connections only (pg_hba {@code hostssl}), with {@code
     * tls}'s certificate and key: a stand-in for RDS with {@code rds.force_ssl} or Redshift with
     * {@code require_ssl}. Clients verify it with the certificate as their root.
     */
    public static PostgresService startWithTls(Path dataDir, int port, SelfSignedCertificate tls) {
        return start(dataDir, port, Objects.requireNonNull(tls));
    }

    private static PostgresService start(Path dataDir, int port, SelfSignedCertificate tls) {
        int actualPort = port > 0 ? port : Ports.freePort();
        try {
            Files.createDirectories(dataDir);
            Processes.stopStale(dataDir.resolve("postmaster.pid"), "postgres");
            LOG.info(
                    "Starting PostgreSQL on 127.0.0.1:{} with data in {}{}",
                    actualPort,
                    dataDir,
                    tls == null ? "" : " (TLS only)");
            EmbeddedPostgres pg = launch(dataDir, actualPort, tls);
            PostgresService service = new PostgresService(pg, actualPort, dataDir, tls);
            if (tls != null) {
                service.requireTls(pg);
            }
            return service;
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

    /** Leaves only {@code hostssl} lines in pg_hba.conf: a plain TCP connection is refused. */
    private void requireTls(EmbeddedPostgres pg) throws IOException {
        Files.writeString(
                dataDir.resolve("pg_hba.conf"),
                "# written by PostgresService.startWithTls: TLS connections only\n"
                        + "local all all trust\n"
                        + "hostssl all all 127.0.0.1/32 trust\n"
                        + "hostssl replication all 127.0.0.1/32 trust\n");
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IOException("Could not reload pg_hba.conf", e);
        }
    }

    private static EmbeddedPostgres launch(Path dataDir, int port, SelfSignedCertificate tls)
            throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder();
        if (tls != null) {
            b.setServerConfig("ssl", "on")
                    .setServerConfig("ssl_cert_file", tls.certificate().toString())
                    .setServerConfig("ssl_key_file", tls.privateKey().toString());
        }
        return b.setPort(port)
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
    public synchronized void restart(Duration downtime) {
        try {
            postgres.close();
            Thread.sleep(downtime.toMillis());
            postgres = launch(dataDir, port, tls);
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
    public Optional<Long> pid() {
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
                + USER
                + (tls == null
                        ? ""
                        : "&sslmode=verify-full&sslrootcert=" + tls.certificate().toString());
    }

    /** The certificate clients verify the server with, if it takes TLS connections only. */
    public Optional<SelfSignedCertificate> tls() {
        return Optional.ofNullable(tls);
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
