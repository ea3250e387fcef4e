package io.tributary.sparkclient;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark in local mode with an Iceberg catalog {@code lake} of type {@code rest} at the URI given,
 * configured as Iceberg's documentation tells Spark users. It runs each SQL statement given and
 * prints each result row as {@code ROW<TAB>value<TAB>value...} after {@code
 * TIME<TAB>round<TAB>query<TAB>seconds}. {@code --repeat N} runs the statements N times, half a
 * second apart, so a test sees a table change while a pipeline commits.
 *
 * <pre>java -cp spark-client/target/classes:$(cat spark-client/target/classpath.txt) \
 *     io.tributary.sparkclient.SparkQueries http://127.0.0.1:8181 [--repeat N] "SELECT ..." ...
 * </pre>
 */
public final class SparkQueries {

    private SparkQueries() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: SparkQueries <rest-uri> [--repeat N] <sql>...");
            System.exit(2);
        }
        String uri = args[0];
        int repeat = 1;
        List<String> statements = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--repeat")) {
                repeat = Integer.parseInt(args[++i]);
            } else {
                statements.add(args[i]);
            }
        }
        SparkSession spark =
                SparkSession.builder()
                        .master("local[1]")
                        .appName("tributary-spark-client")
                        .config("spark.ui.enabled", "false")
                        .config("spark.driver.host", "127.0.0.1")
                        .config("spark.driver.bindAddress", "127.0.0.1")
                        .config("spark.sql.shuffle.partitions", "1")
                        .config(
                                "spark.sql.extensions",
                                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
                        .config("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog")
                        .config("spark.sql.catalog.lake.type", "rest")
                        .config("spark.sql.catalog.lake.uri", uri)
                        // each query loads the table's current snapshot
                        .config("spark.sql.catalog.lake.cache-enabled", "false")
                        .getOrCreate();
        try {
            for (int round = 0; round < repeat; round++) {
                if (round > 0) {
                    Thread.sleep(500);
                }
                for (int q = 0; q < statements.size(); q++) {
                    long start = System.nanoTime();
                    List<Row> rows = spark.sql(statements.get(q)).collectAsList();
                    // how long the query took, without the JVM's and Spark's start
                    System.out.printf(
                            "TIME\t%d\t%d\t%.3f%n", round, q, (System.nanoTime() - start) / 1e9);
                    for (Row row : rows) {
                        StringBuilder line = new StringBuilder("ROW");
                        for (int c = 0; c < row.length(); c++) {
                            line.append('\t').append(row.get(c));
                        }
                        System.out.println(line);
                    }
                }
                System.out.flush();
            }
        } finally {
            spark.stop();
        }
    }
}
