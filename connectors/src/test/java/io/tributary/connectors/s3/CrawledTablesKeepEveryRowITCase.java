package io.tributary.connectors.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.catalog.CatalogService;
import io.tributary.catalog.crawler.CrawlReport;
import io.tributary.catalog.crawler.CrawlerOptions;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Column;
import io.tributary.embedded.S3Service;
import io.tributary.embedded.SharedServices;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A crawled table read with Flink SQL holds every row of its files, whatever the sample saw:
 * integers past 2^31 after the first 1,000 records, nulls after 1,000 values, folder names with
 * spaces and quotes on file:// and s3://, ISO dates in JSON as in CSV, records under a JSON path;
 * and a read never writes into the data's location. Shown on public data nobody here wrote too:
 * files of the {@code vega-datasets} npm package (installed by the test), with counts and sums
 * computed in the test from the files themselves.
 */
class CrawledTablesKeepEveryRowITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VEGA_DATASETS = "vega-datasets@3.2.1";

    @TempDir Path home;
    @TempDir Path lake;

    private final S3Service s3 = SharedServices.s3();

    private static Path vega;

    @BeforeAll
    static void installPublicDatasets() throws Exception {
        vega = NpmPackage.install(VEGA_DATASETS).resolve("data");
    }

    @Test
    void lateBigIntegersAndLateNullsAreRowsNotQuarantine() throws Exception {
        StringBuilder lines = new StringBuilder();
        BigInteger sum = BigInteger.ZERO;
        for (int i = 1; i <= 3200; i++) {
            long amount = i; // the first 1,000 all fit an int
            lines.append("{\"id\": ").append(i).append(", \"amount\": ").append(amount);
            lines.append(", \"day\": \"2026-12-0").append(i % 9 + 1).append("\"");
            lines.append(", \"note\": \"n").append(i).append("\"}\n");
            sum = sum.add(BigInteger.valueOf(amount));
        }
        long big = 5_000_000_000L; // after the sample: above 2^31
        lines.append("{\"id\": 3201, \"amount\": ").append(big);
        lines.append(", \"day\": \"2026-12-03\", \"note\": null}\n");
        lines.append("{\"id\": 3202, \"amount\": \"not a number\"}\n"); // one bad record
        sum = sum.add(BigInteger.valueOf(big));
        Path file = Files.createDirectories(lake.resolve("raw/orders")).resolve("part-0.json");
        Files.writeString(file, lines.toString());

        crawl(lake.resolve("raw").toUri().toString(), CrawlerOptions.defaults("retail"));
        CatalogTable t = table("retail", "orders");
        assertThat(types(t))
                .containsEntry("id", "bigint")
                .containsEntry("amount", "bigint")
                .containsEntry("day", "date")
                .containsEntry("note", "string");

        TableEnvironment env = sql();
        assertThat(
                        one(
                                env,
                                "SELECT COUNT(*), SUM(amount), COUNT(note), MAX(`day`) FROM"
                                        + " retail.orders"))
                .isEqualTo(
                        Row.of(
                                3201L,
                                sum.longValueExact(),
                                3200L,
                                java.time.LocalDate.of(2026, 12, 9)));
        // its quarantine entry is in the catalog's quarantine folder, not beside the data
        assertNothingWrittenUnder(lake);
        Path quarantine = home.resolve("quarantine").resolve("retail").resolve("orders");
        try (Stream<Path> entries = Files.walk(quarantine)) {
            List<String> bad =
                    entries.filter(p -> p.toString().endsWith(".json"))
                            .map(CrawledTablesKeepEveryRowITCase::read)
                            .toList();
            assertThat(bad).hasSize(1);
            assertThat(bad.get(0)).contains("not a number").contains("part-0.json");
        }
    }

    @Test
    void foldersWithSpacesAndQuotesAreReadOnEveryScheme() throws Exception {
        String[] folders = {"sp ace", "we\"ird;tbl", "per%cent"};
        String bucket = "hostile-folders";
        s3.createBucket(bucket);
        try (S3Client client = s3.client()) {
            for (int i = 0; i < folders.length; i++) {
                String folder = folders[i];
                String k = "k" + i; // a dataset each, not partitions of one table
                String body = String.format("{\"%s\": 1}\n{\"%s\": 2}\n{\"%s\": 3}\n", k, k, k);
                Files.writeString(
                        Files.createDirectories(lake.resolve("raw").resolve(folder))
                                .resolve("a.json"),
                        body);
                client.putObject(
                        b -> b.bucket(bucket).key("raw/" + folder + "/a.json"),
                        RequestBody.fromString(body));
            }
        }
        crawl(lake.resolve("raw").toUri().toString(), CrawlerOptions.defaults("local"));
        crawl("s3://" + bucket + "/raw/", CrawlerOptions.defaults("remote"));

        TableEnvironment env = sql();
        for (String db : List.of("local", "remote")) {
            for (int i = 0; i < folders.length; i++) {
                String folder = folders[i];
                CatalogTable t = table(db, folder);
                assertThat(t.location()).as(db).endsWith("/");
                String name = "`" + db + "`.`" + folder.replace("`", "``") + "`";
                assertThat(one(env, "SELECT COUNT(*), SUM(k" + i + ") FROM " + name))
                        .as("%s %s at %s", db, folder, t.location())
                        .isEqualTo(Row.of(3L, 6L));
            }
        }
    }

    @Test
    void publicDatasetsAreInferredAndReadWhole() throws Exception {
        String bucket = "vega";
        s3.createBucket(bucket);
        Map<String, String> files = new LinkedHashMap<>();
        files.put("movies/movies.json", "movies.json");
        files.put("cars/cars.json", "cars.json");
        files.put("penguins/penguins.json", "penguins.json");
        files.put("weather/seattle-weather.csv", "seattle-weather.csv");
        files.put("quakes/earthquakes.json", "earthquakes.json");
        try (S3Client client = s3.client()) {
            files.forEach(
                    (key, name) ->
                            client.putObject(
                                    b -> b.bucket(bucket).key("public/" + key),
                                    RequestBody.fromFile(vega.resolve(name))));
        }
        CrawlReport all = crawl("s3://" + bucket + "/public/", CrawlerOptions.defaults("vega"));
        // GeoJSON: one document holding its records; the crawl says how to read it
        assertThat(all.skipped())
                .anySatisfy(s -> assertThat(s.reason()).contains("--json-path '$.features[*]'"));
        crawl(
                "s3://" + bucket + "/public/quakes/",
                CrawlerOptions.defaults("geo").withJsonPath("$.features[*]"));

        // independently: every value as the files have it
        JsonNode movies = JSON.readTree(vega.resolve("movies.json").toFile());
        JsonNode cars = JSON.readTree(vega.resolve("cars.json").toFile());
        JsonNode penguins = JSON.readTree(vega.resolve("penguins.json").toFile());
        JsonNode quakes = JSON.readTree(vega.resolve("earthquakes.json").toFile()).get("features");
        List<String> weather =
                Files.readAllLines(vega.resolve("seattle-weather.csv"), StandardCharsets.UTF_8);

        assertThat(types(table("vega", "movies")))
                .containsEntry("Worldwide Gross", "bigint")
                .containsEntry("US DVD Sales", "bigint")
                .containsEntry("IMDB Rating", "double");
        assertThat(types(table("vega", "cars")))
                .containsEntry("Year", "date")
                .containsEntry("Miles_per_Gallon", "double")
                .containsEntry("Horsepower", "bigint");
        assertThat(types(table("vega", "weather")))
                .containsEntry("date", "date")
                .containsEntry("weather", "string");
        assertThat(types(table("geo", "quakes"))).containsKeys("type", "properties", "geometry");

        TableEnvironment env = sql();
        assertThat(
                        one(
                                env,
                                "SELECT COUNT(*), SUM(`Worldwide Gross`), COUNT(`US DVD Sales`)"
                                        + " FROM vega.movies"))
                .isEqualTo(
                        Row.of(
                                (long) movies.size(),
                                sum(movies, "Worldwide Gross").longValueExact(),
                                nonNull(movies, "US DVD Sales")));
        assertThat(
                        one(
                                env,
                                "SELECT COUNT(*), COUNT(Miles_per_Gallon), SUM(Horsepower),"
                                        + " MIN(`Year`) FROM vega.cars"))
                .isEqualTo(
                        Row.of(
                                (long) cars.size(),
                                nonNull(cars, "Miles_per_Gallon"),
                                sum(cars, "Horsepower").longValueExact(),
                                java.time.LocalDate.parse(min(cars, "Year"))));
        assertThat(one(env, "SELECT COUNT(*), COUNT(`Sex`) FROM vega.penguins"))
                .isEqualTo(Row.of((long) penguins.size(), nonNull(penguins, "Sex")));
        BigDecimal precipitation =
                weather.stream()
                        .skip(1)
                        .filter(l -> !l.isBlank())
                        .map(l -> new BigDecimal(l.split(",")[1]))
                        .reduce(BigDecimal.ZERO, BigDecimal::add);
        Row w = one(env, "SELECT COUNT(*), SUM(precipitation), MIN(`date`) FROM vega.weather");
        assertThat(w.getField(0))
                .isEqualTo(weather.stream().skip(1).filter(l -> !l.isBlank()).count());
        assertThat((Double) w.getField(1))
                .isCloseTo(precipitation.doubleValue(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(w.getField(2))
                .isEqualTo(java.time.LocalDate.parse(weather.get(1).split(",")[0]));
        double magnitudes = 0;
        for (JsonNode q : quakes) {
            magnitudes += q.path("properties").path("mag").asDouble();
        }
        Row q = one(env, "SELECT COUNT(*), SUM(properties.mag) FROM geo.quakes");
        assertThat(q.getField(0)).isEqualTo((long) quakes.size());
        assertThat((Double) q.getField(1))
                .isCloseTo(magnitudes, org.assertj.core.data.Offset.offset(1e-6));
        System.out.printf(
                "reliability: public data (vega-datasets): %d movies, %d cars, %d penguins, %d"
                        + " weather days, %d earthquakes read whole; counts and sums equal the"
                        + " files'%n",
                movies.size(), cars.size(), penguins.size(), weather.size() - 1, quakes.size());
    }

    // ---- helpers

    private CrawlReport crawl(String location, CrawlerOptions options) throws Exception {
        CrawlReport report = new CrawledLake(home).crawl(location, options);
        assertThat(report.tablesCreated()).as(report.toString()).isNotEmpty();
        return report;
    }

    private CatalogService catalog() {
        return new CrawledLake(home).catalog();
    }

    private CatalogTable table(String db, String name) throws Exception {
        try (CatalogService catalog = catalog()) {
            return catalog.store().table(db, name).orElseThrow();
        }
    }

    private static Map<String, String> types(CatalogTable t) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Column c : t.columns()) {
            out.put(c.name(), c.type().sql() + (c.type().nullable() ? "" : " not null"));
        }
        return out;
    }

    private TableEnvironment sql() {
        TableEnvironment env = new CrawledLake(home).sql();
        env.executeSql("USE CATALOG lake");
        return env;
    }

    private static Row one(TableEnvironment env, String query) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(query).collect()) {
            it.forEachRemaining(rows::add);
        }
        assertThat(rows).as(query).hasSize(1);
        return rows.get(0);
    }

    private static BigInteger sum(JsonNode records, String field) {
        BigInteger s = BigInteger.ZERO;
        for (JsonNode r : records) {
            if (r.hasNonNull(field)) {
                s = s.add(r.get(field).bigIntegerValue());
            }
        }
        return s;
    }

    private static long nonNull(JsonNode records, String field) {
        long n = 0;
        for (JsonNode r : records) {
            n += r.hasNonNull(field) ? 1 : 0;
        }
        return n;
    }

    private static String min(JsonNode records, String field) {
        String m = null;
        for (JsonNode r : records) {
            String v = r.path(field).asText(null);
            m = v != null && (m == null || v.compareTo(m) < 0) ? v : m;
        }
        return m;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The data folders hold only the data: no quarantine or other file was written there. */
    private static void assertNothingWrittenUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()))
                    .allMatch(p -> p.endsWith(".json") && !p.contains("_tributary"));
        }
    }
}
