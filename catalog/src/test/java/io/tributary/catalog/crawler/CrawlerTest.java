package io.tributary.catalog.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.CatalogService;
import io.tributary.catalog.model.CatalogTable;
import io.tributary.catalog.model.Column;
import io.tributary.catalog.model.DataType;
import io.tributary.catalog.model.Partition;
import io.tributary.catalog.model.TableFormat;
import io.tributary.catalog.registry.SchemaRegistry;
import io.tributary.catalog.store.CatalogStores;
import io.tributary.objectstore.ObjectStore;
import io.tributary.objectstore.ObjectStores;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crawls data laid out as users lay it out, on local files, into an embedded catalog. */
class CrawlerTest {

    @TempDir Path data;
    @TempDir Path home;
    CatalogService catalog;

    @BeforeEach
    void open() {
        catalog = openCatalog();
    }

    @AfterEach
    void close() {
        catalog.close();
    }

    private CatalogService openCatalog() {
        SchemaRegistry registry = SchemaRegistry.open(home.resolve("registry"));
        var store = CatalogStores.embedded(home.resolve("catalog"));
        return new CatalogService(store, registry, store, registry);
    }

    private CrawlReport crawl(String sub, CrawlerOptions options) throws IOException {
        try (ObjectStore store = ObjectStores.open(data.resolve(sub).toUri().toString(), null)) {
            return new Crawler(catalog, store, options, null).crawl();
        }
    }

    private CrawlReport crawl(String sub) throws IOException {
        return crawl(sub, CrawlerOptions.defaults("lake"));
    }

    private void write(String key, String text) throws IOException {
        Path p = data.resolve(key);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    private CatalogTable table(String name) {
        return catalog.store().table("lake", name).orElseThrow();
    }

    private static Map<String, String> types(CatalogTable t) {
        return t.columns().stream()
                .collect(
                        Collectors.toMap(
                                Column::name,
                                c -> c.type().sql() + (c.nullable() ? "" : " not null"),
                                (a, b) -> a,
                                java.util.LinkedHashMap::new));
    }

    @Test
    void nestedJsonWithLateFieldsConflictsAndNullsIsOneWidenedTable() throws IOException {
        write(
                "events/part-0.json",
                """
                {"id": 1, "price": 10, "code": 7, "user": {"name": "ann", "tags": ["a", "b"]}, "note": null}
                {"id": 2, "price": 10.5, "code": 8, "user": {"name": "bob", "tags": []}, "note": null}
                """);
        write(
                "events/part-1.json",
                """
                {"id": 3000000000, "price": 11, "code": "X9", "user": {"name": "cy", "tags": ["c"], "age": 40}, "note": null, "coupon": "FREE"}
                """);
        CrawlReport report = crawl("events");

        assertThat(report.tablesCreated()).containsExactly("events");
        CatalogTable t = table("events");
        assertThat(t.format()).isEqualTo(TableFormat.JSON);
        assertThat(t.formatOptions()).containsEntry("layout", "lines");
        assertThat(types(t))
                .containsExactly(
                        Map.entry("id", "bigint"),
                        Map.entry("price", "double"),
                        Map.entry("code", "string"),
                        Map.entry("user", "struct<name:string,tags:array<string>,age:bigint>"),
                        Map.entry("note", "string"),
                        Map.entry("coupon", "string"));
        Column code = t.columns().get(2);
        assertThat(code.typesSeen()).containsExactly("int", "string");
        assertThat(t.columns().get(1).typesSeen())
                .as("a conflict inside one file is recorded too")
                .containsExactly("double", "int");
        assertThat(t.columns().get(0).typesSeen()).containsExactly("bigint", "int");
        assertThat(t.columns().get(3).typesSeen()).as("structs merge, no conflict").isEmpty();
        DataType.Struct user = (DataType.Struct) t.columns().get(3).type();
        assertThat(user.fields().get(2).type().nullable()).as("age appears later").isTrue();
        assertThat(t.schemaVersion()).isEqualTo(1);
        assertThat(catalog.versions("lake", "events")).hasSize(1);
    }

    @Test
    void isoTimestampsAreTimestampsReadInTheStyleTheyAreWritten() throws IOException {
        // as Java's LocalDateTime.toString() writes them: seconds and fraction left out when 0
        write(
                "iso/part-0.json",
                """
                {"id": 1, "ts": "2026-11-24T08:00", "day": "2026-11-24", "at": "2026-11-24T08:00:00Z"}
                {"id": 2, "ts": "2026-11-24T08:00:01.5", "day": "2026-11-25", "at": "2026-11-24T08:00:00Z"}
                """);
        // SQL style in one column, ISO in another: one reader parses one style, so ISO is text
        write(
                "mixed/part-0.json",
                """
                {"id": 1, "sql": "2026-11-24 08:00:00", "iso": "2026-11-24T08:00:00"}
                """);
        crawl("iso");
        crawl("mixed");
        CatalogTable iso = table("iso");
        assertThat(types(iso))
                .containsExactly(
                        Map.entry("id", "bigint"),
                        Map.entry("ts", "timestamp"),
                        Map.entry("day", "date"),
                        Map.entry("at", "string"));
        assertThat(iso.formatOptions()).containsEntry("timestamp-format", "ISO-8601");
        CatalogTable mixed = table("mixed");
        assertThat(types(mixed))
                .containsExactly(
                        Map.entry("id", "bigint"),
                        Map.entry("sql", "timestamp"),
                        Map.entry("iso", "string"));
        assertThat(mixed.formatOptions()).doesNotContainKey("timestamp-format");
    }

    @Test
    void jsonArrayFilesAndGzip() throws IOException {
        write("arr/a.json", "[{\"k\": 1, \"v\": \"x\"}, {\"k\": 2, \"v\": \"y\"}]");
        Path gz = data.resolve("arr/b.json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("[{\"k\": 3, \"v\": \"z\"}]".getBytes(StandardCharsets.UTF_8));
        }
        CrawlReport report = crawl("arr");
        // gzip'd or not, the files are read the same way: one table
        assertThat(report.skipped()).isEmpty();
        CatalogTable t = table("arr");
        assertThat(t.formatOptions())
                .containsEntry("layout", "array")
                .doesNotContainKey("compression");
        assertThat(types(t)).containsEntry("k", "bigint");
        assertThat(catalog.store().tables("lake")).hasSize(1);

        write("arr/c.json", "{\"k\": 4, \"v\": \"w\"}\n");
        CrawlReport mixed = crawl("arr");
        // lines beside arrays: the majority layout wins, the other file is reported
        assertThat(mixed.skipped()).hasSize(1);
        assertThat(mixed.skipped().get(0).file()).endsWith("c.json");
        assertThat(mixed.skipped().get(0).reason()).contains("differs");

        write("gz/only.json.gz", "");
        Files.delete(data.resolve("gz/only.json.gz"));
        try (OutputStream out =
                new GZIPOutputStream(Files.newOutputStream(data.resolve("gz/only.json.gz")))) {
            out.write("{\"a\": true}\n{\"a\": false}\n".getBytes(StandardCharsets.UTF_8));
        }
        crawl("gz");
        assertThat(table("gz").formatOptions()).containsEntry("compression", "gzip");
        assertThat(types(table("gz"))).containsEntry("a", "boolean");
    }

    @Test
    void csvWithEachDelimiterWithAndWithoutHeader() throws IOException {
        Map<String, String> delimiters =
                Map.of("comma", ",", "pipe", "|", "tab", "\t", "semi", ";");
        for (Map.Entry<String, String> d : delimiters.entrySet()) {
            String s = d.getValue();
            write(
                    "csv/" + d.getKey() + "/h.csv",
                    "id"
                            + s
                            + "name"
                            + s
                            + "amount"
                            + s
                            + "day\n"
                            + "1"
                            + s
                            + "\"Smith"
                            + s
                            + " Ann\""
                            + s
                            + "10.5"
                            + s
                            + "2024-01-02\n"
                            + "2"
                            + s
                            + "\"say \"\"hi\"\"\""
                            + s
                            + ""
                            + s
                            + "2024-01-03\n");
            write(
                    "csvnh/" + d.getKey() + "/n.csv",
                    "1" + s + "a" + s + "true\r\n2" + s + "b" + s + "false\r\n");
        }
        crawl("csv");
        crawl("csvnh");
        for (Map.Entry<String, String> d : delimiters.entrySet()) {
            CatalogTable h = table(d.getKey());
            assertThat(h.location()).endsWith("/csv/" + d.getKey() + "/");
            assertThat(h.format()).isEqualTo(TableFormat.CSV);
            assertThat(h.formatOptions())
                    .containsEntry("delimiter", d.getValue())
                    .containsEntry("header", "true");
            assertThat(types(h))
                    .containsExactly(
                            Map.entry("id", "bigint"),
                            Map.entry("name", "string"),
                            Map.entry("amount", "double"),
                            Map.entry("day", "date"));
        }
        // the second crawl finds the same folder names: its tables get a suffix, never the first
        // crawl's tables
        List<CatalogTable> all = catalog.store().tables("lake");
        CatalogTable noHeader =
                all.stream()
                        .filter(t -> t.location().contains("/csvnh/comma/"))
                        .findFirst()
                        .orElseThrow();
        assertThat(noHeader.formatOptions()).containsEntry("header", "false");
        assertThat(types(noHeader))
                .containsExactly(
                        Map.entry("col0", "bigint"),
                        Map.entry("col1", "string"),
                        Map.entry("col2", "boolean"));
    }

    @Test
    void parquetAndAvroFilesGiveTheirOwnSchemas() throws IOException {
        Schema schema =
                SchemaBuilder.record("Order")
                        .fields()
                        .requiredLong("order_id")
                        .optionalString("sku")
                        .name("total")
                        .type(
                                org.apache.avro.LogicalTypes.decimal(12, 2)
                                        .addToSchema(Schema.create(Schema.Type.BYTES)))
                        .noDefault()
                        .name("items")
                        .type()
                        .array()
                        .items()
                        .intType()
                        .noDefault()
                        .endRecord();
        GenericRecord r = new GenericData.Record(schema);
        r.put("order_id", 1L);
        r.put("sku", "A-1");
        r.put(
                "total",
                java.nio.ByteBuffer.wrap(
                        new java.math.BigDecimal("12.34").unscaledValue().toByteArray()));
        r.put("items", List.of(1, 2));

        Path pq = data.resolve("pq/orders/part-0.parquet");
        Files.createDirectories(pq.getParent());
        try (ParquetWriter<GenericRecord> w =
                AvroParquetWriter.<GenericRecord>builder(
                                HadoopOutputFile.fromPath(
                                        new org.apache.hadoop.fs.Path(pq.toUri()),
                                        new Configuration()))
                        .withSchema(schema)
                        .build()) {
            w.write(r);
        }
        Path av = data.resolve("av/orders/part-0.avro");
        Files.createDirectories(av.getParent());
        try (DataFileWriter<GenericRecord> w =
                new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
            w.create(schema, av.toFile());
            w.append(r);
        }
        CrawlReport pqReport = crawl("pq");
        assertThat(pqReport.skipped()).isEmpty();
        CrawlReport avReport = crawl("av");
        assertThat(avReport.skipped()).isEmpty();
        for (String loc : List.of("/pq/", "/av/")) {
            CatalogTable t =
                    catalog.store().tables("lake").stream()
                            .filter(x -> x.location().contains(loc))
                            .findFirst()
                            .orElseThrow();
            assertThat(t.format())
                    .isEqualTo(loc.equals("/pq/") ? TableFormat.PARQUET : TableFormat.AVRO);
            assertThat(types(t))
                    .containsExactly(
                            Map.entry("order_id", "bigint not null"),
                            Map.entry("sku", "string"),
                            Map.entry("total", "decimal(12,2) not null"),
                            Map.entry("items", "array<int> not null"));
        }
    }

    @Test
    void hiveStyleAndUnnamedPartitions() throws IOException {
        for (String day : List.of("01", "02")) {
            write(
                    "sales/year=2024/month=" + day + "/part-0.json",
                    "{\"sale_id\": 1, \"amount\": 2.5}\n");
            write("clicks/2024/" + day + "/a.json", "{\"url\": \"/x\", \"n\": 1}\n");
        }
        write("sales/year=2025/month=01/part-0.json", "{\"sale_id\": 2, \"amount\": 3.5}\n");
        write("sales/_SUCCESS", "");
        crawl("sales");
        crawl("clicks");

        CatalogTable sales = table("sales");
        assertThat(sales.partitionKeys())
                .extracting(Column::name, c -> c.type().sql())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("year", "int"),
                        org.assertj.core.groups.Tuple.tuple("month", "string"));
        List<Partition> ps = catalog.store().partitions("lake", "sales");
        assertThat(ps)
                .extracting(Partition::values)
                .containsExactly(
                        List.of("2024", "01"), List.of("2024", "02"), List.of("2025", "01"));
        assertThat(ps.get(0).location()).endsWith("/sales/year=2024/month=01/");
        assertThat(ps.get(0).fileCount()).isEqualTo(1);
        assertThat(ps.get(0).bytes()).isPositive();

        CatalogTable clicks = table("clicks");
        assertThat(clicks.partitionKeys())
                .extracting(Column::name)
                .containsExactly("partition_0", "partition_1");
        assertThat(catalog.store().partitions("lake", "clicks"))
                .extracting(Partition::values)
                .containsExactly(List.of("2024", "01"), List.of("2024", "02"));
    }

    @Test
    void aPrefixWithTwoDatasetsIsTwoTables() throws IOException {
        write("raw/sales/2024/a.json", "{\"sale_id\": 1, \"customer_id\": 7, \"amount\": 2.5}\n");
        write("raw/sales/2025/b.json", "{\"sale_id\": 2, \"customer_id\": 8, \"amount\": 1.0}\n");
        write(
                "raw/customers/c.json",
                "{\"customer_id\": 7, \"name\": \"Ann\", \"email\": \"a@x\"}\n");
        CrawlReport report = crawl("raw");
        assertThat(report.tablesCreated()).containsExactlyInAnyOrder("sales", "customers");
        assertThat(table("sales").partitionKeys())
                .extracting(Column::name)
                .containsExactly("partition_0");
        assertThat(table("customers").partitionKeys()).isEmpty();
    }

    @Test
    void aNewFieldIsANewVersionAndAnIncompatibleChangeIsRefused() throws IOException {
        write("orders/a.json", "{\"id\": 1, \"qty\": 2}\n");
        crawl("orders");
        assertThat(table("orders").schemaVersion()).isEqualTo(1);

        write("orders/b.json", "{\"id\": 2, \"qty\": 3, \"channel\": \"web\"}\n");
        CrawlReport second = crawl("orders");
        assertThat(second.versionsRegistered()).isEqualTo(1);
        assertThat(table("orders").schemaVersion()).isEqualTo(2);
        assertThat(types(table("orders"))).containsEntry("channel", "string");

        write("orders/c.json", "{\"id\": 3, \"qty\": \"three\", \"channel\": \"web\"}\n");
        CrawlReport third = crawl("orders");
        assertThat(third.refused()).hasSize(1);
        assertThat(third.refused().get(0)).contains("qty").contains("lake.orders");
        assertThat(table("orders").schemaVersion()).isEqualTo(2);
        assertThat(types(table("orders"))).containsEntry("qty", "bigint");
        assertThat(catalog.versions("lake", "orders")).hasSize(2);
    }

    @Test
    void catalogAndRegistrySurviveARestart() throws IOException {
        write("keep/a.json", "{\"id\": 1}\n");
        crawl("keep");
        write("keep/b.json", "{\"id\": 2, \"x\": 1.5}\n");
        crawl("keep");
        catalog.close();
        catalog = openCatalog();
        assertThat(table("keep").schemaVersion()).isEqualTo(2);
        assertThat(catalog.versions("lake", "keep")).hasSize(2);
        assertThat(crawl("keep").tablesUnchanged()).containsExactly("keep");
    }

    @Test
    void badFilesAreReportedWithTheirReason() throws IOException {
        write("mixed/good.json", "{\"id\": 1}\n");
        write("mixed/empty.json", "");
        Files.write(data.resolve("mixed/junk.json"), new byte[] {0, 1, 2, (byte) 0xff, 0, 7});
        CrawlReport report = crawl("mixed");
        Map<String, String> reasons =
                report.skipped().stream()
                        .collect(
                                Collectors.toMap(
                                        x -> x.file().substring(x.file().lastIndexOf('/') + 1),
                                        CrawlReport.Skipped::reason));
        assertThat(reasons).containsEntry("empty.json", "empty file").containsKey("junk.json");
        assertThat(reasons.get("junk.json")).containsAnyOf("UTF-8", "binary");
        assertThat(types(table("mixed"))).containsOnlyKeys("id");
    }

    @Test
    void excludesAndTableThreshold() throws IOException {
        write("many/a/x.json", "{\"a1\": 1, \"a2\": 1}\n");
        write("many/b/x.json", "{\"b1\": 1, \"b2\": 1}\n");
        write("many/c/x.json", "{\"c1\": 1, \"c2\": 1}\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> crawl("many", CrawlerOptions.defaults("lake").withTableThreshold(2)))
                .hasMessageContaining("3 tables")
                .hasMessageContaining("threshold of 2");
        assertThat(catalog.store().tables("lake")).isEmpty();
        crawl(
                "many",
                CrawlerOptions.defaults("lake")
                        .withExcludes(List.of("c/**"))
                        .withTableThreshold(2));
        assertThat(catalog.store().tables("lake"))
                .extracting(CatalogTable::name)
                .containsExactly("a", "b");
    }

    @Test
    void deletedDataIsDeprecatedOrDeletedByPolicy() throws IOException {
        write("gone/p=1/a.json", "{\"id\": 1}\n");
        write("gone/p=2/a.json", "{\"id\": 2}\n");
        crawl("gone");
        Files.delete(data.resolve("gone/p=2/a.json"));
        crawl("gone");
        assertThat(catalog.store().partitions("lake", "gone"))
                .extracting(Partition::values, Partition::deprecated)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(List.of("1"), false),
                        org.assertj.core.groups.Tuple.tuple(List.of("2"), true));
        crawl(
                "gone",
                CrawlerOptions.defaults("lake")
                        .withPolicies(null, CrawlerOptions.DeletePolicy.DELETE, null));
        assertThat(catalog.store().partitions("lake", "gone"))
                .extracting(Partition::values)
                .containsExactly(List.of("1"));
    }

    @Test
    void aListingCutShortOnceMakesTheCrawlerForgetNothing() throws IOException {
        for (int p = 1; p <= 4; p++) {
            write("short/p=" + p + "/a.json", "{\"id\": " + p + "}\n");
        }
        try (ObjectStore files =
                ObjectStores.open(data.resolve("short").toUri().toString(), null)) {
            int[] listings = {0};
            // the store's second listing ends after its first file (a partial page), once
            ObjectStore cutOnce =
                    new ObjectStore() {
                        @Override
                        public String location() {
                            return files.location();
                        }

                        @Override
                        public void list(
                                String startAfter,
                                java.util.function.Consumer<io.tributary.objectstore.ObjectInfo>
                                        sink)
                                throws IOException {
                            boolean cut = ++listings[0] == 2;
                            int[] n = {0};
                            files.list(
                                    startAfter,
                                    o -> {
                                        if (!cut || n[0]++ < 1) {
                                            sink.accept(o);
                                        }
                                    });
                        }

                        @Override
                        public java.io.InputStream openAt(String key, long offset)
                                throws IOException {
                            return files.openAt(key, offset);
                        }

                        @Override
                        public void write(String key, byte[] bytes) throws IOException {
                            files.write(key, bytes);
                        }

                        @Override
                        public void delete(String key) throws IOException {
                            files.delete(key);
                        }

                        @Override
                        public java.io.InputStream open(String key, long maxBytes)
                                throws IOException {
                            return files.open(key, maxBytes);
                        }

                        @Override
                        public byte[] read(String key, long offset, int length) throws IOException {
                            return files.read(key, offset, length);
                        }

                        @Override
                        public void close() {}
                    };
            Crawler crawler = new Crawler(catalog, cutOnce, CrawlerOptions.defaults("lake"), null);
            crawler.crawl();
            crawler.crawl();
            assertThat(listings[0]).as("the short listing was checked by another").isEqualTo(3);
        }
        assertThat(catalog.store().partitions("lake", "short"))
                .extracting(Partition::values, Partition::deprecated)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(List.of("1"), false),
                        org.assertj.core.groups.Tuple.tuple(List.of("2"), false),
                        org.assertj.core.groups.Tuple.tuple(List.of("3"), false),
                        org.assertj.core.groups.Tuple.tuple(List.of("4"), false));
    }

    @Test
    void passesOverUnchangedFilesLeaveTheTableAsItWas() throws IOException {
        write("sales/dt=2026-12-01/part-0.json", "{\"order_id\": 1, \"customer_id\": 7}\n");
        try (ObjectStore store =
                ObjectStores.open(data.resolve("sales").toUri().toString(), null)) {
            Crawler crawler = new Crawler(catalog, store, CrawlerOptions.defaults("lake"), null);
            assertThat(crawler.pass(true).tablesCreated()).containsExactly("sales");
            CatalogTable first = table("sales");
            // a settled JSON type (bigint from int values) is not a second type seen: before,
            // the second pass recorded [bigint, int] and reported the table updated
            for (int pass = 0; pass < 2; pass++) {
                CrawlReport again = crawler.pass(false);
                assertThat(again.tablesUpdated()).isEmpty();
                assertThat(again.tablesUnchanged()).containsExactly("sales");
                assertThat(again.changedCatalog()).isFalse();
            }
            assertThat(table("sales").columns()).isEqualTo(first.columns());
            assertThat(table("sales").columns().get(0).typesSeen()).isEmpty();
        }
    }

    @Test
    void tagsColumnsHoldingPersonalDataWithTheShareThatMatched() throws IOException {
        StringBuilder json = new StringBuilder();
        StringBuilder csv = new StringBuilder("id,contact,card,ip,note\n");
        for (int i = 0; i < 20; i++) {
            // 18 of 20 emails (two placeholders), every card valid, one IP among notes
            String email = i < 18 ? "user" + i + "@example.com" : "n/a";
            json.append(
                    String.format(
                            "{\"id\": %d, \"email\": \"%s\", \"phone\": \"+1 415 555 %04d\","
                                    + " \"note\": \"%s\", \"amount\": %d}%n",
                            i, email, 1000 + i, i == 3 ? "10.0.0.1" : "plain note " + i, i * 7));
            csv.append(i)
                    .append(',')
                    .append(email)
                    .append(",4111 1111 1111 1111,")
                    .append("192.168.1.")
                    .append(i + 1)
                    .append(i == 5 ? ",555-12-3456" : ",ok")
                    .append('\n');
        }
        write("people/part-0.json", json.toString());
        write("cards/part-0.csv", csv.toString());
        crawl("people");
        crawl("cards");

        Map<String, String> people = table("people").properties();
        assertThat(io.tributary.catalog.pii.PiiCounts.tagsOf(people))
                .as("the email and phone columns, not the one IP among notes, nor the numbers")
                .containsOnlyKeys("email", "phone");
        assertThat(people)
                .containsEntry("pii.email", "EMAIL")
                .containsEntry("pii.email.share", "0.90")
                .containsEntry("pii.phone", "PHONE")
                .containsEntry("pii.phone.share", "1.00");
        Map<String, String> cards = table("cards").properties();
        assertThat(cards)
                .containsEntry("pii.contact", "EMAIL")
                .containsEntry("pii.card", "CREDIT_CARD")
                .containsEntry("pii.ip", "IP_ADDRESS")
                .doesNotContainKey("pii.note")
                .doesNotContainKey("pii.id");

        // the files again, one email column cleaned: its tag goes, the others stay
        write("people/part-0.json", json.toString().replaceAll("user\\d+@example.com", "hidden"));
        crawl("people");
        assertThat(table("people").properties())
                .doesNotContainKey("pii.email")
                .containsEntry("pii.phone", "PHONE");
    }
}
