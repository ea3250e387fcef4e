package io.tributary.connectors.cdc;

import java.io.Serializable;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Where a change stream comes from: MySQL/MariaDB or PostgreSQL, host, port, database, user and
 * password, parsed from the JDBC URL the catalog's JDBC crawler stored (credentials given apart or
 * as URL parameters). The password never appears in {@link #toString()}.
 */
@PublicEvolving
public record CdcConnection(
        Kind kind, String host, int port, String database, String user, String password)
        implements Serializable {

    /** The two database families Tributary captures. */
    public enum Kind {
        MYSQL,
        POSTGRES
    }

    private static final Pattern URL =
            Pattern.compile(
                    "^jdbc:(mysql|mariadb|postgresql)://([^/:?;]+)(?::(\\d+))?/?([^?;]*)(.*)$");

    /**
     * Parses {@code jdbc:mysql://host:port/db}, {@code jdbc:mariadb://...} or {@code
     * jdbc:postgresql://host:port/db}; {@code user}/{@code password} override URL parameters.
     */
    public static CdcConnection parse(String jdbcUrl, String user, String password) {
        Matcher m = URL.matcher(jdbcUrl == null ? "" : jdbcUrl);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "Not a JDBC URL Tributary can capture changes from: "
                            + redact(jdbcUrl)
                            + ". Expected jdbc:mysql://host:port/database,"
                            + " jdbc:mariadb://host:port/database or"
                            + " jdbc:postgresql://host:port/database");
        }
        Kind kind = m.group(1).equals("postgresql") ? Kind.POSTGRES : Kind.MYSQL;
        int port =
                m.group(3) != null
                        ? Integer.parseInt(m.group(3))
                        : kind == Kind.POSTGRES ? 5432 : 3306;
        String u = user != null ? user : param(m.group(5), "user");
        String p = password != null ? password : param(m.group(5), "password");
        return new CdcConnection(kind, m.group(2), port, m.group(4), u, p);
    }

    private static String param(String query, String name) {
        Matcher m = Pattern.compile("[?&;]" + name + "=([^&;]*)").matcher(query);
        return m.find() ? URLDecoder.decode(m.group(1), StandardCharsets.UTF_8) : null;
    }

    private static String redact(String url) {
        return url == null ? "null" : url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** A URL without credentials, for connecting and for showing. */
    public String url() {
        return kind == Kind.POSTGRES
                ? "jdbc:postgresql://" + host + ":" + port + "/" + database
                : "jdbc:mysql://"
                        + host
                        + ":"
                        + port
                        + "/"
                        + database
                        + "?useSSL=false&allowPublicKeyRetrieval=true&serverTimezone=UTC";
    }

    public Connection connect() throws SQLException {
        return connect(new Properties());
    }

    /** A connection with driver properties of the capture's own (TLS: sslmode, sslMode, ...). */
    public Connection connect(Properties driverProperties) throws SQLException {
        Properties props = new Properties();
        props.putAll(driverProperties);
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        String url = url();
        if (kind == Kind.MYSQL && props.getProperty("sslMode") != null) {
            // the capture's own TLS setting, not the plain default of url()
            url = url.replace("useSSL=false&", "");
        }
        return DriverManager.getConnection(url, props);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT)
                + "://"
                + (user == null ? "" : user + "@")
                + host
                + ":"
                + port
                + "/"
                + database;
    }
}
