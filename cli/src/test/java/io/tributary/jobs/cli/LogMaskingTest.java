package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's logging setup (src/main/resources/log4j2.xml), loaded as the CLI loads it: the full log
 * lands in the log folder, and a password, secret key or token that a connector echoes in a message
 * or an exception is masked there.
 */
class LogMaskingTest {

    @Test
    void secretsInMessagesAndExceptionsAreMaskedInTheLogFile(@TempDir Path dir) throws Exception {
        System.setProperty("tributary.log.dir", dir.toString());
        URI config = getClass().getResource("/log4j2.xml").toURI();
        LoggerContext context = Configurator.initialize("masking-test", null, config);
        try {
            log(context.getLogger("org.apache.flink.test"));
        } finally {
            Configurator.shutdown(context);
            System.clearProperty("tributary.log.dir");
        }
        assertMasked(Files.readString(dir.resolve("tributary.log")));
    }

    /**
     * The container image's console logging (docker/flink/log4j-console.properties), its console
     * appender pointed at a file for the test: the same masking, in messages and exceptions.
     */
    @Test
    void theContainersConsoleLoggingMasksTheSame(@TempDir Path dir) throws Exception {
        String props =
                Files.readString(DashboardFiles.docker().resolve("flink/log4j-console.properties"));
        assertThat(props).contains("appender.console.type = CONSOLE");
        Path out = dir.resolve("console.log");
        Path config = dir.resolve("log4j-console.properties");
        Files.writeString(
                config,
                props.replace(
                                "appender.console.type = CONSOLE",
                                "appender.console.type = File\nappender.console.fileName = " + out)
                        .replace("monitorInterval=30", ""));
        LoggerContext context = Configurator.initialize("container-test", null, config.toUri());
        try {
            log(context.getLogger("org.apache.flink.test"));
        } finally {
            Configurator.shutdown(context);
        }
        assertMasked(Files.readString(out));
    }

    private static void log(Logger log) {
        log.info(
                "Options: 'password' = 'hunter2', s3.secret-key=AbCdSecret, token: tok-123,"
                        + " url=jdbc:postgresql://h/db?user=u&password=pw-in-url");
        log.warn(
                "Connection failed",
                new IllegalStateException("login with password=exc-secret refused"));
    }

    private static void assertMasked(String text) {
        assertThat(text)
                .contains("Options:", "Connection failed", "IllegalStateException", "******")
                .doesNotContain("hunter2", "AbCdSecret", "tok-123", "pw-in-url", "exc-secret");
    }
}
