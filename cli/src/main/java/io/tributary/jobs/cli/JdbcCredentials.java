package io.tributary.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --user} and {@code --password-file} for commands that connect to a database. */
final class JdbcCredentials {

    static final String PASSWORD_ENV = "TRIBUTARY_JDBC_PASSWORD";

    @Option(names = "--user", paramLabel = "USER", description = "Database user (JDBC).")
    String user;

    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description =
                    "File holding the database password (else $TRIBUTARY_JDBC_PASSWORD, else the"
                            + " URL's password parameter; never a command-line argument).")
    Path passwordFile;

    /** The password from the file or the environment; null when neither gives one. */
    String password() throws IOException {
        if (passwordFile != null) {
            return Files.readString(passwordFile).strip();
        }
        return System.getenv(PASSWORD_ENV);
    }
}
