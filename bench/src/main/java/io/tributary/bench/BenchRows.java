package io.tributary.bench;

import java.util.Locale;

/**
 * The benchmark's sales rows, derived from their index alone, so every contender (and the check
 * after it) sees the same data without holding it in memory.
 */
final class BenchRows {

    static final String[] PRODUCTS = {
        "espresso-machine", "grinder", "kettle", "mug", "filter-papers", "scale", "beans-1kg"
    };

    static final String COLUMNS_DDL =
            "(order_id bigint, customer_id integer, product text, quantity integer,"
                    + " unit_price numeric(10,2), ts timestamp(3))";

    static final String FLINK_COLUMNS =
            "order_id BIGINT, customer_id INT, product STRING, quantity INT,"
                    + " unit_price DECIMAL(10, 2), ts TIMESTAMP(3)";

    private BenchRows() {}

    static int customer(long i) {
        return (int) (1 + (i * 7919) % 5000);
    }

    static int quantity(long i) {
        return (int) (1 + i % 5);
    }

    static long priceCents(long i) {
        return 199 + (i * 31) % 20_000;
    }

    static String timestamp(long i) {
        long seconds = i / 1000;
        return String.format(
                Locale.ROOT,
                "2026-11-24 %02d:%02d:%02d.%03d",
                (seconds / 3600) % 24,
                (seconds / 60) % 60,
                seconds % 60,
                i % 1000);
    }

    /** One JSON line (what lands on S3). */
    static void json(long i, StringBuilder out) {
        out.append("{\"order_id\":")
                .append(i)
                .append(",\"customer_id\":")
                .append(customer(i))
                .append(",\"product\":\"")
                .append(PRODUCTS[(int) (i % PRODUCTS.length)])
                .append("\",\"quantity\":")
                .append(quantity(i))
                .append(",\"unit_price\":");
        cents(priceCents(i), out);
        out.append(",\"ts\":\"").append(timestamp(i)).append("\"}\n");
    }

    /** The same row as a CSV line for COPY FROM STDIN (the physical limit). */
    static void csv(long i, StringBuilder out) {
        out.append(i)
                .append(',')
                .append(customer(i))
                .append(',')
                .append(PRODUCTS[(int) (i % PRODUCTS.length)])
                .append(',')
                .append(quantity(i))
                .append(',');
        cents(priceCents(i), out);
        out.append(',').append(timestamp(i)).append('\n');
    }

    private static void cents(long cents, StringBuilder out) {
        out.append(cents / 100).append('.');
        long c = cents % 100;
        if (c < 10) {
            out.append('0');
        }
        out.append(c);
    }

    /** sum(quantity) over rows [0, n): what every loaded table must add up to. */
    static long expectedQuantitySum(long n) {
        long sum = 0;
        for (long i = 0; i < n; i++) {
            sum += quantity(i);
        }
        return sum;
    }
}
