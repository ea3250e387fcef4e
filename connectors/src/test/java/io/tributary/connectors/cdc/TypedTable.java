package io.tributary.connectors.cdc;

import java.util.ArrayList;
import java.util.List;

/**
 * A MySQL table with a column of every type Debezium converts, and a row using all of them: what
 * the tests comparing Tributary's readers with Flink CDC's read.
 */
final class TypedTable {

    private TypedTable() {}

    static final String CREATE =
            "CREATE TABLE typed (id INT PRIMARY KEY, flag TINYINT(1), tiny TINYINT,"
                    + " small SMALLINT UNSIGNED, mid MEDIUMINT, big BIGINT,"
                    + " ubig BIGINT UNSIGNED, uint INT UNSIGNED, bit1 BIT(1), bits BIT(12),"
                    + " price DECIMAL(12,2), wide DECIMAL(30,10), ratio DOUBLE, f FLOAT,"
                    + " day DATE, at DATETIME(3), at6 DATETIME(6), ts TIMESTAMP(6) NULL,"
                    + " t TIME(3), y YEAR, note VARCHAR(40), fixed CHAR(4), body TEXT,"
                    + " raw VARBINARY(8), blobby BLOB, e ENUM('a','b','c'), st SET('x','y'),"
                    + " doc JSON, dflt VARCHAR(10) DEFAULT 'dv')";

    /** Row 1: a value in every column, extremes of the unsigned types, UTF-8 text, binary. */
    static final String INSERT_FULL_ROW =
            "INSERT INTO typed VALUES (1, 1, -5, 65000, -8000000, -9000000000,"
                    + " 18446744073709551615, 4294967295, b'1', b'101010101010', 12.50,"
                    + " 12345678901234567890.0123456789, 0.25, 1.5, '2026-12-03',"
                    + " '2026-12-03 10:15:00.123', '2026-12-03 10:15:00.123456',"
                    + " '2026-12-03 10:15:00.654321', '12:34:56.789', 2026, 'crème brûlée',"
                    + " 'ab', 'long text ✓', x'00ff10', x'0102', 'b', 'x,y',"
                    + " '{\"k\": [1, 2]}', NULL)";

    /** Each value's class: a Long where Debezium gives an Integer is a different record. */
    static List<String> classes(Object[] row) {
        List<String> out = new ArrayList<>();
        if (row != null) {
            for (Object v : row) {
                out.add(v == null ? "null" : v.getClass().getSimpleName());
            }
        }
        return out;
    }
}
