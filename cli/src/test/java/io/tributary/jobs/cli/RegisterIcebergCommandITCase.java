package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tributary catalog register-iceberg} and the crawls after it, as a user runs them: the
 * crawled Parquet table becomes an Iceberg table over the same files, and each crawl reports the
 * files it committed to it.
 */
class RegisterIcebergCommandITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema ORDER =
            SchemaBuilder.record("order")
                    .fields()
                    .requiredLong("order_id")
                    .requiredDouble("amount")
                    .endRecord();

    @TempDir Path home;
    @TempDir Path data;
    @TempDir Path lake;

    private CliRun run(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = home.toString();
        return CliRun.of(all);
    }

    private void parquet(String key, long first, int n) throws Exception {
        Path p = data.resolve(key);
        Files.createDirectories(p.getParent());
        try (ParquetWriter<GenericRecord> w =
                AvroParquetWriter.<GenericRecord>builder(
                                HadoopOutputFile.fromPath(
                                        new org.apache.hadoop.fs.Path(p.toUri()),
                                        new Configuration()))
                        .withSchema(ORDER)
                        .build()) {
            for (long id = first; id < first + n; id++) {
                GenericRecord r = new GenericData.Record(ORDER);
                r.put("order_id", id);
                r.put("amount", id * 1.5);
                w.write(r);
            }
        }
    }

    @Test
    void registersACrawledParquetTableAndEachCrawlAddsItsNewFiles() throws Exception {
        parquet("orders/region=eu/part-0.parquet", 0, 40);
        parquet("orders/region=us/part-0.parquet", 40, 60);
        Files.createDirectories(data.resolve("notes"));
        Files.writeString(data.resolve("notes/n.json"), "{\"note\": \"not parquet\"}\n");
        String location = data.resolve("orders").toUri().toString();
        CliRun crawled = run("crawl", location, "--database", "shop");
        assertThat(crawled.exitCode()).as(crawled.err()).isZero();
        CliRun notes = run("crawl", data.resolve("notes").toUri().toString(), "--database", "docs");
        assertThat(notes.exitCode()).as(notes.err() + notes.out()).isZero();

        CliRun json =
                run(
                        "catalog",
                        "register-iceberg",
                        "docs.notes",
                        "--warehouse",
                        lake.toUri().toString());
        assertThat(json.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(json.err()).contains("Only Parquet tables").contains("JSON");

        CliRun registered =
                run(
                        "catalog",
                        "register-iceberg",
                        "shop.orders",
                        "--warehouse",
                        lake.toUri().toString(),
                        "--json");
        assertThat(registered.exitCode()).as(registered.err()).isZero();
        JsonNode r = JSON.readTree(registered.out());
        assertThat(r.get("iceberg").asText()).isEqualTo("shop.orders_iceberg");
        assertThat(r.get("filesAdded").asInt()).isEqualTo(2);
        assertThat(r.get("totalRecords").asLong()).isEqualTo(100);

        // a catalog table like the others: listed, described, with its snapshots
        CliRun describe = run("catalog", "describe", "shop.orders_iceberg", "--json");
        assertThat(describe.exitCode()).as(describe.err()).isZero();
        JsonNode d = JSON.readTree(describe.out());
        assertThat(d.toString()).contains("iceberg").contains("shop.orders");

        parquet("orders/region=apac/part-0.parquet", 100, 25);
        CliRun crawl = run("crawl", location, "--database", "shop");
        assertThat(crawl.exitCode()).as(crawl.err()).isZero();
        assertThat(crawl.out())
                .contains("iceberg shop.orders -> shop.orders_iceberg: 1 files added (25 rows)")
                .contains("125 rows in snapshot");

        CliRun snapshots = run("catalog", "snapshots", "shop.orders_iceberg", "--json");
        assertThat(snapshots.exitCode()).as(snapshots.err()).isZero();
        // one snapshot per pass that found files: the registration, then the crawl
        assertThat(JSON.readTree(snapshots.out())).hasSize(2);

        // a crawler kept in the catalog does the same after each pass that found something
        CliRun defined =
                run("crawlers", "create", "orders", "--target", location, "--database", "shop");
        assertThat(defined.exitCode()).as(defined.err()).isZero();
        parquet("orders/region=latam/part-0.parquet", 125, 10);
        CliRun pass = run("crawlers", "start", "orders");
        assertThat(pass.exitCode()).as(pass.err() + pass.out()).isZero();
        assertThat(pass.out())
                .contains("iceberg shop.orders -> shop.orders_iceberg: 1 files added (10 rows)")
                .contains("135 rows in snapshot");
        assertThat(
                        JSON.readTree(
                                run("catalog", "snapshots", "shop.orders_iceberg", "--json").out()))
                .hasSize(3);
    }
}
