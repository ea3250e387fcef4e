package io.tributary.connectors.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tributary.catalog.registry.RegistryHttpServer;
import io.tributary.catalog.registry.SchemaRegistryClient;
import io.tributary.connectors.changes.ChangeOp;
import io.tributary.connectors.changes.ChangeRecord;
import io.tributary.embedded.MariaDbService;
import io.tributary.embedded.PostgresService;
import io.tributary.embedded.SharedServices;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CdcSourceITCase {

    @TempDir Path registryDir;
    private RegistryHttpServer registry;

    @BeforeEach
    void startRegistry() {
        registry = RegistryHttpServer.start(registryDir, 0);
    }

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Test
    void mariadbSnapshotThenChangesInOrderAndAddedColumnIsANewVersion() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("cdc_shop");
        try (Connection c = db.connect("cdc_shop");
                Statement s = c.createStatement()) {
            CustomersTable.create(s);
            CdcConnection conn = CdcConnection.parse(db.jdbcUrl("cdc_shop"), null, null);
            var source =
                    CdcSourceBuilder.forConnection(conn)
                            .tables("cdc_shop.customers")
                            .registry(registry.url(), "shop")
                            .build();
            capturesSnapshotChangesAndNewColumn(s, source, "shop.customers-value");
        }
    }

    @Test
    void postgresSnapshotThenChangesInOrderAndAddedColumnIsANewVersion() throws Exception {
        PostgresService pg = SharedServices.postgres();
        pg.createDatabase("cdc_crm");
        try (Connection c = pg.connect("cdc_crm");
                Statement s = c.createStatement()) {
            CustomersTable.create(s);
            s.execute("ALTER TABLE customers REPLICA IDENTITY FULL");
            CdcConnection conn = CdcConnection.parse(pg.jdbcUrl("cdc_crm"), null, "unused");
            var source =
                    CdcSourceBuilder.forConnection(conn)
                            .tables("public.customers")
                            .slotName("cdc_itcase")
                            .registry(registry.url(), "crm")
                            .build();
            capturesSnapshotChangesAndNewColumn(s, source, "crm.customers-value");
        }
    }

    private void capturesSnapshotChangesAndNewColumn(
            Statement db,
            org.apache.flink.api.connector.source.Source<ChangeRecord, ?, ?> source,
            String subject)
            throws Exception {
        try (ChangeStream changes = new ChangeStream(source, 1)) {
            List<ChangeRecord> snapshot = changes.next(4);
            assertThat(snapshot.get(0).op()).isEqualTo(ChangeOp.SCHEMA);
            assertThat(snapshot.get(0).schemaVersion()).isEqualTo(1);
            assertThat(snapshot.subList(1, 4))
                    .extracting(ChangeRecord::op)
                    .containsOnly(ChangeOp.READ);
            ChangeRecord ada =
                    snapshot.stream()
                            .filter(r -> Integer.valueOf(1).equals(r.get("id")))
                            .findFirst()
                            .orElseThrow();
            assertThat(ada.get("name")).isEqualTo("Ada");
            assertThat(ada.get("credit")).isEqualTo(new BigDecimal("12.50"));
            assertThat(ada.get("since")).isEqualTo(LocalDate.of(2024, 1, 2));
            assertThat(ada.key()).containsExactly(1);
            assertThat(ada.shape().columns())
                    .extracting(c -> c.type().sql())
                    .containsExactly("int", "string", "decimal(10,2)", "date");

            db.execute("INSERT INTO customers VALUES (4, 'Dan', 1.00, NULL)");
            db.execute("UPDATE customers SET name = 'Ada L.' WHERE id = 1");
            db.execute("DELETE FROM customers WHERE id = 2");
            List<ChangeRecord> stream = changes.next(3);
            assertThat(stream)
                    .extracting(ChangeRecord::op)
                    .containsExactly(ChangeOp.CREATE, ChangeOp.UPDATE, ChangeOp.DELETE);
            assertThat(stream.get(0).after())
                    .containsExactly(4, "Dan", new BigDecimal("1.00"), null);
            assertThat(stream.get(1).before()[1]).isEqualTo("Ada");
            assertThat(stream.get(1).after()[1]).isEqualTo("Ada L.");
            assertThat(stream.get(2).before()[0]).isEqualTo(2);
            assertThat(stream.get(2).after()).isNull();
            assertThat(stream).allSatisfy(r -> assertThat(r.position()).isNotEmpty());
            assertThat(stream.get(1).commitMillis())
                    .isGreaterThan(System.currentTimeMillis() - 120_000);
            // the reader holds the binlog / WAL split: what `tributary cdc progress` shows
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(changes::streaming, n -> n == 1);

            db.execute("ALTER TABLE customers ADD COLUMN email VARCHAR(128)");
            db.execute("INSERT INTO customers VALUES (5, 'Eve', NULL, NULL, 'eve@example.com')");
            List<ChangeRecord> evolved = changes.next(2);
            assertThat(evolved.get(0).op()).isEqualTo(ChangeOp.SCHEMA);
            assertThat(evolved.get(0).note()).contains("added email");
            assertThat(evolved.get(0).schemaVersion()).isEqualTo(2);
            assertThat(evolved.get(1).op()).isEqualTo(ChangeOp.CREATE);
            assertThat(evolved.get(1).get("email")).isEqualTo("eve@example.com");
            assertThat(evolved.get(1).schemaVersion()).isEqualTo(2);
        }
        SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
        assertThat(client.versions(subject)).containsExactly(1, 2);
        assertThat(client.version(subject, "latest").schema()).contains("\"email\"");
    }

    @Test
    void mariadbUserWithoutReplicationRightsGetsAClearErrorBeforeTheJobStarts() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("cdc_locked");
        try (Connection c = db.connect("cdc_locked");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY)");
            s.execute("CREATE USER IF NOT EXISTS 'reader'@'127.0.0.1' IDENTIFIED BY 'pw'");
            s.execute("GRANT SELECT ON cdc_locked.* TO 'reader'@'127.0.0.1'");
        }
        CdcConnection conn =
                CdcConnection.parse(
                        "jdbc:mysql://127.0.0.1:" + db.port() + "/cdc_locked", "reader", "pw");
        assertThatThrownBy(
                        () ->
                                CdcSourceBuilder.forConnection(conn)
                                        .tables("cdc_locked.t", "cdc_locked.missing")
                                        .build())
                .isInstanceOf(CdcReadiness.NotReady.class)
                .hasMessageContaining("REPLICATION SLAVE")
                .hasMessageContaining("GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT")
                .hasMessageContaining("no table matches 'cdc_locked.missing'")
                .hasMessageNotContaining("pw");
    }

    @Test
    void postgresTableWithoutReplicaIdentityAndRoleWithoutReplicationAreNamed() throws Exception {
        PostgresService pg = SharedServices.postgres();
        pg.createDatabase("cdc_locked");
        try (Connection c = pg.connect("cdc_locked");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS events (id INT)");
            s.execute("ALTER TABLE events REPLICA IDENTITY NOTHING");
            s.execute(
                    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'reader')"
                            + " THEN CREATE ROLE reader LOGIN; END IF; END $$");
            s.execute("GRANT SELECT ON events TO reader");
        }
        CdcConnection conn =
                CdcConnection.parse(
                        "jdbc:postgresql://127.0.0.1:" + pg.port() + "/cdc_locked", "reader", "x");
        CdcReadiness.Report report =
                CdcReadiness.check(conn, List.of("public.events"), "tributary_cdc_locked");
        assertThat(report.ready()).isFalse();
        assertThat(report.problems())
                .contains("the user may not replicate")
                .contains("ALTER ROLE the_user REPLICATION")
                .contains("REPLICA IDENTITY NOTHING")
                .contains("ALTER TABLE \"public\".\"events\" REPLICA IDENTITY FULL");
        assertThat(report.findings())
                .anySatisfy(f -> assertThat(f.what()).contains("no primary key"));
    }
}
