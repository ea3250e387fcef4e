package io.tributary.jobs.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The demo's e-commerce sample: customers (for RDS MySQL) and sales orders as JSON lines (for S3),
 * generated from a seed so every run and every test sees the same rows.
 */
public final class DemoData {

    public static final int CUSTOMERS = 50;
    public static final LocalDate DAY = LocalDate.of(2026, 11, 24);

    private static final String[] FIRST = {
        "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret", "Ken"
    };
    private static final String[] LAST = {
        "Lovelace",
        "Hopper",
        "Turing",
        "Dijkstra",
        "Liskov",
        "Knuth",
        "Allen",
        "Backus",
        "Hamilton",
        "Thompson"
    };
    private static final String[] COUNTRIES = {"DE", "FR", "US", "JP", "BR", "IN"};
    private static final String[] PRODUCTS = {
        "espresso-machine", "grinder", "kettle", "mug", "filter-papers", "scale", "beans-1kg"
    };

    private DemoData() {}

    /** One customer row. */
    public record Customer(int id, String name, String email, String country) {}

    /** One sales order, as a JSON line in a sales file. */
    public record Sale(
            long orderId,
            int customerId,
            String product,
            int quantity,
            BigDecimal unitPrice,
            LocalDateTime ts) {

        public String toJson() {
            return String.format(
                    Locale.ROOT,
                    "{\"order_id\":%d,\"customer_id\":%d,\"product\":\"%s\",\"quantity\":%d,"
                            + "\"unit_price\":%s,\"ts\":\"%s\"}",
                    orderId,
                    customerId,
                    product,
                    quantity,
                    unitPrice.toPlainString(),
                    ts.toString());
        }

        public BigDecimal amount() {
            return unitPrice.multiply(BigDecimal.valueOf(quantity));
        }
    }

    public static List<Customer> customers() {
        List<Customer> out = new ArrayList<>();
        for (int id = 1; id <= CUSTOMERS; id++) {
            String first = FIRST[(id - 1) % FIRST.length];
            String last = LAST[((id - 1) / FIRST.length) % LAST.length];
            out.add(
                    new Customer(
                            id,
                            first + " " + last,
                            (first + "." + last + id).toLowerCase(Locale.ROOT) + "@example.com",
                            COUNTRIES[id % COUNTRIES.length]));
        }
        return out;
    }

    /**
     * The sales of file number {@code file} (0-based): {@code rows} orders with consecutive ids, so
     * files never share an order id.
     */
    public static List<Sale> salesFile(int file, int rows) {
        SplittableRandom random = new SplittableRandom(31L * file + 7);
        List<Sale> out = new ArrayList<>(rows);
        LocalDateTime start = DAY.atTime(8, 0).plusMinutes(file);
        for (int i = 0; i < rows; i++) {
            long orderId = (long) file * rows + i + 1;
            out.add(
                    new Sale(
                            orderId,
                            1 + random.nextInt(CUSTOMERS),
                            PRODUCTS[random.nextInt(PRODUCTS.length)],
                            1 + random.nextInt(5),
                            BigDecimal.valueOf(199 + random.nextInt(20_000), 2)
                                    .setScale(2, RoundingMode.UNNECESSARY),
                            start.plusNanos(i * 1_000_000L)));
        }
        return out;
    }

    /** Object key of a sales file under the Hive-style partition of the demo's day. */
    public static String salesKey(int file) {
        return String.format(Locale.ROOT, "sales/dt=%s/part-%05d.json", DAY, file);
    }

    public static String toJsonLines(List<Sale> sales) {
        StringBuilder sb = new StringBuilder(sales.size() * 120);
        for (Sale s : sales) {
            sb.append(s.toJson()).append('\n');
        }
        return sb.toString();
    }
}
