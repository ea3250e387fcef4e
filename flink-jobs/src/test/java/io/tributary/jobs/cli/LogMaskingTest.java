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
            Logger log = context.getLogger("org.apache.flink.test");
            log.info(
                    "Options: 'password' = 'hunter2', s3.secret-key=AbCdSecret, token: tok-123,"
                            + " url=jdbc:postgresql://h/db?user=u&password=pw-in-url");
            log.warn(
                    "Connection failed",
                    new IllegalStateException("login with password=exc-secret refused"));
        } finally {
            Configurator.shutdown(context);
            System.clearProperty("tributary.log.dir");
        }
        String text = Files.readString(dir.resolve("tributary.log"));
        assertThat(text)
                .contains("Options:", "Connection failed", "IllegalStateException", "******")
                .doesNotContain("hunter2", "AbCdSecret", "tok-123", "pw-in-url", "exc-secret");
    }
}
