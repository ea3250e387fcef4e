package io.tributary.catalog.model;

import java.util.Locale;

/**
 * How a table's data is stored: a file format on S3, rows in a database reached over JDBC, or an
 * Apache Iceberg table (its own metadata on S3, the catalog holding the pointer to it).
 */
public enum TableFormat {
    JSON,
    CSV,
    PARQUET,
    AVRO,
    JDBC,
    ICEBERG;

    /** The name Flink's format factories use ({@code json}, {@code csv}, ...). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TableFormat of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
