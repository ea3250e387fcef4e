package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.SharedServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tributary cdc tables} against a real MariaDB, ready and not. */
class CdcCommandITCase {

    @TempDir Path dir;

    @Test
    void listsTablesWithEstimatesAndNamesWhatToFix() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("cli_shop");
        try (Connection c = db.connect("cli_shop");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS customers");
            s.execute("DROP TABLE IF EXISTS events");
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(20))");
            s.execute("INSERT INTO customers SELECT seq, CONCAT('c', seq) FROM seq_1_to_500");
            s.execute("ANALYZE TABLE customers");
            s.execute("CREATE TABLE events (at DATETIME, what VARCHAR(20))");
            s.execute(
                    "CREATE USER IF NOT EXISTS 'cli_reader'@'127.0.0.1' IDENTIFIED BY 's3cr3t-pw'");
            s.execute("GRANT SELECT ON cli_shop.* TO 'cli_reader'@'127.0.0.1'");
        }

        CliRun ready = CliRun.of("cdc", "tables", db.jdbcUrl("cli_shop"));
        System.out.println(ready.out());
        assertThat(ready.exitCode()).as(ready.out() + ready.err()).isZero();
        assertThat(ready.out())
                .contains("ready for change data capture")
                .contains("tables to capture: 2")
                .containsPattern("cli_shop\\.customers +~\\d+ rows +key \\(id\\)")
                .containsPattern("cli_shop\\.events +~\\d+ rows +no primary key");

        JsonNode json =
                new ObjectMapper()
                        .readTree(
                                CliRun.of(
                                                "cdc",
                                                "tables",
                                                db.jdbcUrl("cli_shop"),
                                                "--tables",
                                                "cli_shop.cust*",
                                                "--json")
                                        .out());
        assertThat(json.get("ready").asBoolean()).isTrue();
        assertThat(json.get("tables")).hasSize(1);
        assertThat(json.get("tables").get(0).get("table").asText()).isEqualTo("cli_shop.customers");
        assertThat(json.get("tables").get(0).get("estimatedRows").asLong()).isBetween(400L, 600L);

        // a user without replication grants: exit 1, the grants named, the password nowhere
        Path password = dir.resolve("pw");
        Files.writeString(password, "s3cr3t-pw\n");
        // --user and --password-file take precedence over the URL's user and password
        String url = db.jdbcUrl("cli_shop");
        CliRun locked =
                CliRun.of(
                        "cdc",
                        "tables",
                        url,
                        "--user",
                        "cli_reader",
                        "--password-file",
                        password.toString());
        System.out.println(locked.out());
        assertThat(locked.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(locked.out())
                .contains("NOT ready")
                .contains("GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT")
                .doesNotContain("s3cr3t-pw");
        assertThat(locked.err()).doesNotContain("s3cr3t-pw");
    }
}
