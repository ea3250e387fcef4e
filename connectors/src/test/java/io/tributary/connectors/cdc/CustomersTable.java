package io.tributary.connectors.cdc;

import java.sql.SQLException;
import java.sql.Statement;

/** The three-customer table (same SQL on MariaDB and PostgreSQL) the CDC tests start from. */
public final class CustomersTable {

    private CustomersTable() {}

    /** (Re)creates {@code customers(id, name, credit, since)} with Ada, Grace and Linus. */
    public static void create(Statement s) throws SQLException {
        s.execute("DROP TABLE IF EXISTS customers");
        s.execute(
                "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL,"
                        + " credit DECIMAL(10,2), since DATE)");
        s.execute(
                "INSERT INTO customers VALUES (1, 'Ada', 12.50, '2024-01-02'),"
                        + " (2, 'Grace', NULL, NULL), (3, 'Linus', 3.00, '2024-03-04')");
    }

    /** Adds customers 10 to {@code last} (MariaDB's sequence engine) to the table. */
    public static void addMariaDbRows(Statement s, int last) throws SQLException {
        s.execute(
                "INSERT INTO customers SELECT seq, CONCAT('c', seq), seq / 4, NULL FROM seq_10_to_"
                        + last);
    }
}
