package io.tributary.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MariaDbServiceITCase {

    @Test
    void storesRowsWithRowBinlogOnLoopback() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("maria_roundtrip");
        try (Connection c = db.connect("maria_roundtrip");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(64))");
            s.execute("INSERT INTO customers VALUES (1, 'Ada'), (2, 'Grace')");
            try (ResultSet rs = s.executeQuery("SELECT name FROM customers ORDER BY id")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("Ada");
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("Grace");
            }
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@server_id,"
                                    + " @@bind_address")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
                assertThat(rs.getString(2)).isEqualTo("ROW");
                assertThat(rs.getString(3)).isEqualTo("FULL");
                assertThat(rs.getInt(4)).isEqualTo(1);
                assertThat(rs.getString(5)).isEqualTo("127.0.0.1");
            }
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void flinkCdcReadsSnapshotThenRowChangesFromBinlog() throws Exception {
        MariaDbService db = SharedServices.mariadb();
        db.createDatabase("maria_cdc");
        try (Connection c = db.connect("maria_cdc");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(64))");
            s.execute("INSERT INTO customers VALUES (1, 'Ada')");

            TableEnvironment env = ChangelogCollector.streamingTableEnv();
            env.executeSql(
                    "CREATE TABLE customers (id INT, name STRING, PRIMARY KEY (id) NOT ENFORCED)"
                            + " WITH ('connector' = 'mysql-cdc', 'hostname' = '127.0.0.1',"
                            + " 'port' = '"
                            + db.port()
                            + "', 'username' = '"
                            + MariaDbService.USER
                            + "', 'password' = '"
                            + MariaDbService.PASSWORD
                            + "', 'database-name' = 'maria_cdc', 'table-name' = 'customers',"
                            + " 'server-time-zone' = 'UTC', 'server-id' = '5401-5404')");
            ChangelogCollector.assertSnapshotThenChanges(env, s);
        }
    }
}
