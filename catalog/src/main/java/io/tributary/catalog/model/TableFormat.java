package io.tributary.catalog.model;

import java.util.Locale;

/** How a table's data is stored: a file format on S3, or rows in a database reached over JDBC. */
public enum TableFormat {
    JSON,
    CSV,
    PARQUET,
    AVRO,
    JDBC;

    /** The name Flink's format factories use ({@code json}, {@code csv}, ...). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TableFormat of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
