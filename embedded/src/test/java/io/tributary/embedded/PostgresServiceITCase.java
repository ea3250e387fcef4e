package io.tributary.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PostgresServiceITCase {

    @Test
    void storesAndReturnsRowsWithLogicalWal() throws Exception {
        PostgresService pg = SharedServices.postgres();
        pg.createDatabase("pg_roundtrip");
        try (Connection c = pg.connect("pg_roundtrip");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int PRIMARY KEY, amount numeric(10,2))");
            s.execute("INSERT INTO orders VALUES (1, 9.99), (2, 20.00)");
            try (ResultSet rs = s.executeQuery("SELECT sum(amount), count(*) FROM orders")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("29.99");
                assertThat(rs.getInt(2)).isEqualTo(2);
            }
            try (ResultSet rs = s.executeQuery("SHOW wal_level")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("logical");
            }
            try (ResultSet rs = s.executeQuery("SELECT inet_server_addr()::text")) {
                rs.next();
                assertThat(rs.getString(1)).startsWith("127.0.0.1");
            }
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void flinkCdcReadsSnapshotThenRowChangesThroughPgoutput() throws Exception {
        PostgresService pg = SharedServices.postgres();
        pg.createDatabase("pg_cdc");
        try (Connection c = pg.connect("pg_cdc");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id int PRIMARY KEY, name text)");
            s.execute("ALTER TABLE customers REPLICA IDENTITY FULL");
            s.execute("INSERT INTO customers VALUES (1, 'Ada')");

            TableEnvironment env = ChangelogCollector.streamingTableEnv();
            env.executeSql(
                    "CREATE TABLE customers (id INT, name STRING, PRIMARY KEY (id) NOT ENFORCED)"
                            + " WITH ('connector' = 'postgres-cdc', 'hostname' = '127.0.0.1',"
                            + " 'port' = '"
                            + pg.port()
                            + "', 'username' = 'postgres', 'password' = 'unused-trust-auth',"
                            + " 'database-name' = 'pg_cdc', 'schema-name' = 'public',"
                            + " 'table-name' = 'customers', 'slot.name' = 'embedded_itcase',"
                            + " 'decoding.plugin.name' = 'pgoutput',"
                            + " 'scan.incremental.snapshot.enabled' = 'true')");
            ChangelogCollector.assertSnapshotThenChanges(env, s);
        }
    }
}
